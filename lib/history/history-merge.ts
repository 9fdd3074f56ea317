/**
 * Merging imported transcripts into the history without duplicates: a transcript already here (same
 * id, or the same recording transcribed to the same text under another id) is not added again, and
 * of two versions of one transcript the one changed last wins. Pure.
 */
import type { TranscriptRecord } from "./record";

/** What an import will do, and the counts to tell the user. */
export interface MergePlan {
  /** The records to store: new ones and newer versions of ones already here. */
  readonly toSave: readonly TranscriptRecord[];
  readonly added: number;
  readonly updated: number;
  /** Already here as they are (or here in a newer version). */
  readonly unchanged: number;
}

/** Two records with different ids are the same transcript when they were made at the same moment from the same audio with the same text. */
function fingerprint(record: TranscriptRecord): string {
  return JSON.stringify([record.createdAt, record.source, record.duration, record.text]);
}

/**
 * Plans merging `incoming` (an imported file) into `existing` (the history): by id, a newer
 * `updatedAt` replaces, an equal or older one is left; a record whose id is new but whose
 * {@link fingerprint} matches one here counts as already here; repeats inside `incoming` count once.
 */
export function planMerge(existing: readonly TranscriptRecord[], incoming: readonly TranscriptRecord[]): MergePlan {
  const byId = new Map(existing.map((record) => [record.id, record]));
  const prints = new Set(existing.map(fingerprint));
  const chosen = new Map<string, TranscriptRecord>();
  let unchanged = 0;
  for (const record of incoming) {
    const earlier = chosen.get(record.id);
    if (earlier !== undefined) {
      unchanged += 1;
      if (record.updatedAt > earlier.updatedAt) chosen.set(record.id, record);
      continue;
    }
    const here = byId.get(record.id);
    if (here !== undefined ? record.updatedAt > here.updatedAt : !prints.has(fingerprint(record))) {
      chosen.set(record.id, record);
      prints.add(fingerprint(record));
    } else {
      unchanged += 1;
    }
  }
  const toSave = [...chosen.values()];
  const updated = toSave.filter((record) => byId.has(record.id)).length;
  return { toSave, added: toSave.length - updated, updated, unchanged };
}

/** A sentence for the user about an import: "Imported 12 transcripts: 10 new, 2 updated, 5 already here, 1 damaged entry skipped." */
export function describeImport(plan: Pick<MergePlan, "added" | "updated" | "unchanged">, skipped: number): string {
  const total = plan.added + plan.updated;
  const parts = [`${plan.added} new`, `${plan.updated} updated`, `${plan.unchanged} already here`];
  if (skipped > 0) parts.push(`${skipped} damaged ${skipped === 1 ? "entry" : "entries"} skipped`);
  return `Imported ${total} ${total === 1 ? "transcript" : "transcripts"}: ${parts.join(", ")}.`;
}

/**
 * Hand corrections of a saved transcript: a segment's text changes, its timings stay, and the
 * record remembers that it was edited (`editedAt`), so the page and the JSON export can say so. Pure.
 */
import { withSegmentText } from "../transcript/segment-edit";
import type { TranscriptRecord } from "./record";

/**
 * The record with segment `index` corrected to `text` (see {@link withSegmentText}), `editedAt`
 * and `updatedAt` set to `now`; null when the text is unchanged or there is no such segment.
 */
export function editRecordSegment(record: TranscriptRecord, index: number, text: string, now: number = Date.now()): TranscriptRecord | null {
  const edited = withSegmentText(record, index, text);
  if (edited === null) return null;
  return { ...edited, editedAt: Math.max(now, record.createdAt), updatedAt: Math.max(now, record.createdAt) };
}

/**
 * An earlier version brought back by undo, stamped `updatedAt` = `now` so other tabs and a later
 * import see it as the newest; its `editedAt` (or its absence, for the model's own text) is kept.
 */
export function restoreRecordVersion(previous: TranscriptRecord, now: number = Date.now()): TranscriptRecord {
  return { ...previous, updatedAt: Math.max(now, previous.createdAt) };
}

/** True when the user has corrected the record's text by hand. */
export function isEdited(record: Pick<TranscriptRecord, "editedAt">): boolean {
  return record.editedAt !== undefined;
}

/** The JSON export's note that a record was corrected by hand (`edited`, `editedAt`), or nothing for the model's own text. */
export function editMetadata(record: Pick<TranscriptRecord, "editedAt">): { readonly edited?: true; readonly editedAt?: string } {
  return record.editedAt === undefined ? {} : { edited: true, editedAt: new Date(record.editedAt).toISOString() };
}

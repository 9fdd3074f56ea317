/**
 * Searching a large history as the user types: each transcript's folded text (see
 * {@link searchHaystack}) is computed once per version (id and `updatedAt`) and kept, so a query over
 * a thousand transcripts only scans strings instead of folding every text again at each keystroke.
 */
import { sortNewestFirst, type TranscriptRecord } from "./record";
import { matchesTerms, queryTerms, searchHaystack } from "./search";

type Searchable = Pick<TranscriptRecord, "id" | "updatedAt" | "title" | "text" | "createdAt">;

/** A cache of folded transcripts; one per history connection. */
export class SearchIndex {
  private readonly folded = new Map<string, { readonly updatedAt: number; readonly haystack: string }>();

  /** The records matching `query` (the rules of {@link matchesQuery}), newest first. */
  search<T extends Searchable>(records: readonly T[], query: string): T[] {
    const terms = queryTerms(query);
    if (terms.length === 0) return sortNewestFirst(records);
    const found = records.filter((record) => matchesTerms(this.haystack(record), terms));
    // Forget transcripts that are gone, so deleting many does not leave their text in memory.
    if (this.folded.size > records.length) {
      const ids = new Set(records.map((record) => record.id));
      for (const id of this.folded.keys()) if (!ids.has(id)) this.folded.delete(id);
    }
    return sortNewestFirst(found);
  }

  /**
   * Folds `records` ahead of the first search, `chunk` at a time between other work, so typing the
   * first letter into a long history does not wait for every transcript to be folded. Returns a
   * function that stops the warming (a newer list arrived, or the history closed).
   */
  warm(records: readonly Searchable[], chunk = 100, schedule: (next: () => void) => void = (next) => setTimeout(next, 0)): () => void {
    let at = 0;
    let stopped = false;
    const step = (): void => {
      if (stopped) return;
      for (const end = Math.min(records.length, at + chunk); at < end; at += 1) {
        const record = records[at];
        if (record !== undefined) this.haystack(record);
      }
      if (at < records.length) schedule(step);
    };
    schedule(step);
    return () => {
      stopped = true;
    };
  }

  /** How many transcripts are folded and kept (for tests). */
  get size(): number {
    return this.folded.size;
  }

  private haystack(record: Searchable): string {
    const cached = this.folded.get(record.id);
    if (cached !== undefined && cached.updatedAt === record.updatedAt) return cached.haystack;
    const haystack = searchHaystack(record);
    this.folded.set(record.id, { updatedAt: record.updatedAt, haystack });
    return haystack;
  }
}

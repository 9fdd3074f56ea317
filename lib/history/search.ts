/**
 * Searching the history: diacritic- and case-insensitive matching of titles and text, match
 * ranges in the original text for highlighting, and snippets for a result list. Pure.
 */
import { sortNewestFirst, type TranscriptRecord } from "./record";

/** Letters NFKD does not decompose but people type without their stroke or ligature. */
const FOLD_SPECIAL: Readonly<Record<string, string>> = {
  "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ς": "σ", "ħ": "h", "ŧ": "t",
};

const SPECIAL_PATTERN = new RegExp(`[${Object.keys(FOLD_SPECIAL).join("")}]`, "gu");

/** Marks are dropped after letters of these scripts only: elsewhere (kana's dakuten, say) they change the letter. */
const MARK_AFTER_ALPHABET = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;

/**
 * Folds text for searching: compatibility decomposition (full-width → ASCII, ligatures split),
 * lower case, accents dropped from Latin, Greek and Cyrillic letters (é → e, ё → е, ά → α), and a
 * few letters mapped to what people type (ß → ss, ø → o, ł → l). Apply it to both sides of a comparison.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(MARK_AFTER_ALPHABET, "$1")
    .replace(SPECIAL_PATTERN, (char) => FOLD_SPECIAL[char] ?? char);
}

/** The search terms in a query: folded, split on whitespace, duplicates dropped. An empty query has none. */
export function queryTerms(query: string): string[] {
  return [...new Set(foldForSearch(query).split(/\s+/u).filter(Boolean))];
}

/**
 * Does a transcript match the query? Every term of the query must appear, as a substring, in the
 * title or the text (case-, accent- and width-insensitive; see {@link foldForSearch}). An empty
 * query matches everything.
 */
export function matchesQuery(record: Pick<TranscriptRecord, "title" | "text">, query: string): boolean {
  return matchesTerms(searchHaystack(record), queryTerms(query));
}

/** What a query is matched against: the folded title and text. Compute it once per record version when searching often. */
export function searchHaystack(record: Pick<TranscriptRecord, "title" | "text">): string {
  return `${foldForSearch(record.title)}\n${foldForSearch(record.text)}`;
}

/** Does a {@link searchHaystack} contain every one of `terms` ({@link queryTerms})? No terms match everything. */
export function matchesTerms(haystack: string, terms: readonly string[]): boolean {
  return terms.every((term) => haystack.includes(term));
}

/** The records that match `query` ({@link matchesQuery}), newest first. */
export function filterTranscripts<T extends Pick<TranscriptRecord, "title" | "text" | "createdAt" | "id">>(records: readonly T[], query: string): T[] {
  return sortNewestFirst(records.filter((record) => matchesQuery(record, query)));
}

/** A match in the original (unfolded) text: UTF-16 offsets `[start, end)`, ready for `slice`. */
export interface MatchRange {
  readonly start: number;
  readonly end: number;
}

const ALPHABET_LETTER = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;
const MARKS_ONLY = /^\p{M}+$/u;
const TRAILING_MARKS = /^\p{M}+/u;

/**
 * {@link foldForSearch} character by character, remembering for each UTF-16 unit of the folded text
 * the offset and length of the original character it came from.
 */
function foldWithMap(text: string): { folded: string; from: number[]; width: number[] } {
  let folded = "";
  const from: number[] = [];
  const width: number[] = [];
  let offset = 0;
  let base = "";
  for (const char of text) {
    const isMark = MARKS_ONLY.test(char);
    // A combining mark after a Latin, Greek or Cyrillic letter folds away, as in the whole-string fold.
    const piece = isMark && ALPHABET_LETTER.test(base) ? "" : foldForSearch(char);
    if (!isMark) base = char.normalize("NFKD").charAt(0);
    for (let i = 0; i < piece.length; i += 1) {
      from.push(offset);
      width.push(char.length);
    }
    folded += piece;
    offset += char.length;
  }
  return { folded, from, width };
}

/**
 * Where the query's terms occur in `text`, as ranges of the original text (for `<mark>`), sorted
 * and merged where they overlap; at most `limit` ranges.
 */
export function findMatches(text: string, query: string, limit = 100): MatchRange[] {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const { folded, from, width } = foldWithMap(text);
  const raw: MatchRange[] = [];
  for (const term of terms) {
    for (let at = folded.indexOf(term); at >= 0 && raw.length < limit * 4; at = folded.indexOf(term, at + 1)) {
      const last = at + term.length - 1;
      const end = (from[last] ?? 0) + (width[last] ?? 0);
      // Take in the combining marks that folded away after the last letter (the accent of "é").
      raw.push({ start: from[at] ?? 0, end: end + (TRAILING_MARKS.exec(text.slice(end, end + 32))?.[0].length ?? 0) });
    }
  }
  raw.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: MatchRange[] = [];
  for (const range of raw) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && range.start <= previous.end) merged[merged.length - 1] = { start: previous.start, end: Math.max(previous.end, range.end) };
    else merged.push(range);
    if (merged.length > limit) break;
  }
  return merged.slice(0, limit);
}

/** A short excerpt of a transcript around its first match, for a search result list. */
export interface Snippet {
  /** The excerpt, with "…" where it was cut. */
  readonly text: string;
  /** The matches inside `text`, as offsets into `text`. */
  readonly matches: readonly MatchRange[];
}

/**
 * An excerpt of `text` around the first match of `query`, about `radius` characters each side,
 * cut at word boundaries where it can be; null when the query does not occur in `text` (it may
 * have matched the title only).
 */
export function makeSnippet(text: string, query: string, radius = 60): Snippet | null {
  const matches = findMatches(text, query);
  const first = matches[0];
  if (first === undefined) return null;
  let start = Math.max(0, first.start - radius);
  let end = Math.min(text.length, first.end + radius);
  if (start > 0) {
    const space = text.indexOf(" ", start);
    if (space >= 0 && space < first.start) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space >= first.end) end = space;
  }
  // Never cut a surrogate pair in half.
  if (start > 0 && /[\uDC00-\uDFFF]/u.test(text.charAt(start))) start -= 1;
  if (end < text.length && /[\uDC00-\uDFFF]/u.test(text.charAt(end))) end += 1;
  const prefix = start > 0 ? "…" : "";
  const body = text.slice(start, end).replace(/\s+/gu, " ");
  const shift = (offset: number): number => prefix.length + text.slice(start, offset).replace(/\s+/gu, " ").length;
  return {
    text: `${prefix}${body}${end < text.length ? "…" : ""}`,
    matches: matches.filter((m) => m.start >= start && m.end <= end).map((m) => ({ start: shift(m.start), end: shift(m.end) })),
  };
}

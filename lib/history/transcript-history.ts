/**
 * The user's past transcripts, kept on this device in IndexedDB (database `whisper-history`, object
 * store `transcripts`, one record per transcript keyed by `id`). Nothing here leaves the device.
 *
 * Two layers:
 * - pure helpers (record validation and creation, titles, diacritic- and case-insensitive search,
 *   match ranges and snippets for highlighting), unit-tested in Node;
 * - {@link openTranscriptHistory} and the module-level functions ({@link listTranscripts},
 *   {@link saveTranscript}, …) over one shared connection, for the page. They throw
 *   {@link TranscriptHistoryError}; where IndexedDB cannot be used (some private windows, sandboxed
 *   frames, storage blocked by policy) every call fails with the code `history-unavailable`, so the UI
 *   can say "history is off in this browser" once and keep transcribing.
 *
 * Other tabs learn about changes through {@link onHistoryChanged} (a BroadcastChannel).
 */
import { AppError } from "../errors";
import { createLogger } from "../logger";
import { isRecord } from "../guards";
import type { Segment } from "../transcript/types";

const log = createLogger("transcript-history");

/** The IndexedDB database name. */
export const HISTORY_DB_NAME = "whisper-history";
/** The object store holding {@link TranscriptRecord}s, keyed by `id`. */
export const HISTORY_STORE = "transcripts";
/** Schema version of the database; version 1 has the store and a `createdAt` index. */
export const HISTORY_DB_VERSION = 1;

/** Where a transcript came from. */
export type TranscriptSource = "file" | "recording" | "telegram";

/** One saved transcript. Times are milliseconds since the epoch; `duration` is seconds of audio. */
export interface TranscriptRecord {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly source: TranscriptSource;
  /** The name of the file transcribed, when there was one. */
  readonly fileName?: string;
  readonly duration: number;
  /** ISO 639-1 code, or null when unknown. */
  readonly language: string | null;
  readonly text: string;
  readonly segments: readonly Segment[];
  /** The model that produced it, e.g. "whisper-tiny". */
  readonly model?: string;
}

/** What a caller knows when a transcription finishes; {@link createTranscriptRecord} fills in the rest. */
export interface NewTranscript {
  readonly source: TranscriptSource;
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly duration: number;
  readonly language: string | null;
  readonly title?: string;
  readonly fileName?: string;
  readonly model?: string;
}

/** Stable codes of {@link TranscriptHistoryError}. */
export type TranscriptHistoryErrorCode =
  /** IndexedDB is missing or refuses to open (private mode, blocked storage, sandboxed frame). */
  | "history-unavailable"
  /** The browser refused to store more (storage quota). */
  | "history-quota"
  /** No transcript has that id (deleted in another tab, say). */
  | "history-not-found"
  /** The record or the title given is not valid. */
  | "history-invalid"
  /** Any other IndexedDB failure. */
  | "history-failed";

/** Every failure of the history; switch on `code`. */
export class TranscriptHistoryError extends AppError {
  override readonly name = "TranscriptHistoryError";
  declare readonly code: TranscriptHistoryErrorCode;

  constructor(code: TranscriptHistoryErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

const SOURCES: ReadonlySet<string> = new Set<TranscriptSource>(["file", "recording", "telegram"]);

/** Is `value` a {@link TranscriptSource}? */
export function isTranscriptSource(value: unknown): value is TranscriptSource {
  return typeof value === "string" && SOURCES.has(value);
}

function isSegment(value: unknown): value is Segment {
  return isRecord(value) && typeof value.start === "number" && typeof value.end === "number" && typeof value.text === "string";
}

const isTime = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;

/**
 * Is `value` a well-formed {@link TranscriptRecord}? Use it on whatever IndexedDB returns (a record
 * written by an older version, or edited in devtools) and on records before saving them.
 */
export function isTranscriptRecord(value: unknown): value is TranscriptRecord {
  if (!isRecord(value)) return false;
  const { id, title, createdAt, updatedAt, source, fileName, duration, language, text, segments, model } = value;
  return (
    typeof id === "string" &&
    id.length > 0 &&
    typeof title === "string" &&
    isTime(createdAt) &&
    isTime(updatedAt) &&
    isTranscriptSource(source) &&
    (fileName === undefined || typeof fileName === "string") &&
    isTime(duration) &&
    (language === null || typeof language === "string") &&
    typeof text === "string" &&
    Array.isArray(segments) &&
    segments.every(isSegment) &&
    (model === undefined || typeof model === "string")
  );
}

/** Longest title kept; longer ones are cut (by code point, never inside a character). */
export const MAX_TITLE_CHARS = 200;

/** A title cleaned for storing: whitespace collapsed and trimmed, cut at {@link MAX_TITLE_CHARS}; null when nothing is left. */
export function normalizeTitle(title: string): string | null {
  const clean = title.replace(/\s+/gu, " ").trim();
  if (clean.length === 0) return null;
  const chars = Array.from(clean);
  return chars.length > MAX_TITLE_CHARS ? chars.slice(0, MAX_TITLE_CHARS).join("").trimEnd() : clean;
}

const DEFAULT_TITLES: Readonly<Record<TranscriptSource, string>> = {
  file: "Transcript",
  recording: "Recording",
  telegram: "Telegram voice message",
};

const TITLE_WORDS = 8;
const TITLE_CHARS = 60;

/**
 * The title a transcript gets before the user renames it: the file name without its extension,
 * else the first words of the text (up to 8 words or 60 characters, with "…" when cut), else a
 * word for its source ("Recording").
 */
export function defaultTitle(input: Pick<NewTranscript, "fileName" | "text" | "source">): string {
  if (input.fileName !== undefined) {
    const dot = input.fileName.lastIndexOf(".");
    const name = normalizeTitle(dot > 0 ? input.fileName.slice(0, dot) : input.fileName);
    if (name !== null) return name;
  }
  const words = input.text.trim().split(/\s+/u).filter(Boolean);
  if (words.length > 0) {
    let title = words.slice(0, TITLE_WORDS).join(" ");
    const chars = Array.from(title);
    const cut = words.length > TITLE_WORDS || chars.length > TITLE_CHARS;
    if (chars.length > TITLE_CHARS) title = chars.slice(0, TITLE_CHARS).join("").trimEnd();
    return cut ? `${title}…` : title;
  }
  return DEFAULT_TITLES[input.source];
}

/** A new random id for a record. */
export function newTranscriptId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Builds the record to save when a transcription finishes: a new id, `createdAt` = `updatedAt` =
 * `now`, the given title (cleaned) or {@link defaultTitle}, segments copied to plain objects, and
 * bad durations clamped to 0.
 */
export function createTranscriptRecord(input: NewTranscript, now: number = Date.now(), id: string = newTranscriptId()): TranscriptRecord {
  const title = (input.title === undefined ? null : normalizeTitle(input.title)) ?? defaultTitle(input);
  return {
    id,
    title,
    createdAt: now,
    updatedAt: now,
    source: input.source,
    ...(input.fileName === undefined ? {} : { fileName: input.fileName }),
    duration: Number.isFinite(input.duration) && input.duration > 0 ? input.duration : 0,
    language: input.language,
    text: input.text,
    segments: input.segments.map((segment) => ({ start: segment.start, end: segment.end, text: segment.text })),
    ...(input.model === undefined ? {} : { model: input.model }),
  };
}

/** Records newest first (by `createdAt`, then `id` so the order is total). Returns a new array. */
export function sortNewestFirst<T extends Pick<TranscriptRecord, "createdAt" | "id">>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

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
  const terms = queryTerms(query);
  if (terms.length === 0) return true;
  const haystack = `${foldForSearch(record.title)}\n${foldForSearch(record.text)}`;
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

// ---------------------------------------------------------------------------------------------
// IndexedDB

/** The operations on the history; {@link openTranscriptHistory} gives one over a database connection. */
export interface TranscriptHistory {
  /** Every transcript, newest first. Records that fail {@link isTranscriptRecord} are skipped (and logged). */
  list(): Promise<TranscriptRecord[]>;
  /** The transcripts matching `query` ({@link matchesQuery}), newest first; all of them for an empty query. */
  search(query: string): Promise<TranscriptRecord[]>;
  /** One transcript, or null when there is none with that id. */
  get(id: string): Promise<TranscriptRecord | null>;
  /** Stores a record, replacing one with the same id. Fails with `history-invalid` or `history-quota`. */
  save(record: TranscriptRecord): Promise<TranscriptRecord>;
  /** Changes a title (and `updatedAt`); fails with `history-not-found` or `history-invalid` (empty title). */
  rename(id: string, title: string): Promise<TranscriptRecord>;
  /** Deletes one transcript; deleting one that is not there is not an error. */
  delete(id: string): Promise<void>;
  /** Deletes every transcript. */
  clear(): Promise<void>;
  /** Closes the connection; later calls fail. */
  close(): void;
  /** True once the connection is closed: by {@link TranscriptHistory.close}, by an upgrade in another tab, or by the browser (site data cleared). */
  isClosed(): boolean;
}

/** What {@link openTranscriptHistory} needs from its surroundings; the defaults are the page's. */
export interface HistoryEnvironment {
  /** Default `globalThis.indexedDB` (undefined where the browser has none). */
  readonly indexedDB?: IDBFactory | undefined;
  /** Default `Date.now`. */
  readonly now?: () => number;
}

function domErrorName(error: unknown): string {
  return typeof error === "object" && error !== null && "name" in error && typeof error.name === "string" ? error.name : "";
}

function unavailable(cause: unknown): TranscriptHistoryError {
  return new TranscriptHistoryError("history-unavailable", "Transcript history is not available in this browser (private browsing or blocked storage); transcripts will not be kept.", { cause });
}

function failure(cause: unknown, action: string): TranscriptHistoryError {
  if (cause instanceof TranscriptHistoryError) return cause;
  if (domErrorName(cause) === "QuotaExceededError") {
    return new TranscriptHistoryError("history-quota", "There is no room left on this device to keep the transcript. Delete old transcripts or models and try again.", { cause });
  }
  if (domErrorName(cause) === "InvalidStateError" || domErrorName(cause) === "UnknownError") return unavailable(cause);
  return new TranscriptHistoryError("history-failed", `Could not ${action} the transcript history.`, { cause, context: { action } });
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException("transaction aborted", "AbortError"));
  });
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(HISTORY_DB_NAME, HISTORY_DB_VERSION);
    } catch (cause) {
      reject(unavailable(cause));
      return;
    }
    req.onupgradeneeded = (event) => {
      const db = req.result;
      if (event.oldVersion < 1) {
        const store = db.createObjectStore(HISTORY_STORE, { keyPath: "id" });
        store.createIndex("createdAt", "createdAt");
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(unavailable(req.error));
    req.onblocked = () => log.warn("the history database is open in another tab with an older version; waiting for it to close");
  });
}

function plainRecord(record: TranscriptRecord): TranscriptRecord {
  return {
    id: record.id,
    title: record.title,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    source: record.source,
    ...(record.fileName === undefined ? {} : { fileName: record.fileName }),
    duration: record.duration,
    language: record.language,
    text: record.text,
    segments: record.segments.map((segment) => ({ start: segment.start, end: segment.end, text: segment.text })),
    ...(record.model === undefined ? {} : { model: record.model }),
  };
}

/**
 * Opens (creating or upgrading) the history database and returns its operations. Use the
 * module-level functions in the page; call this directly to pass another `IDBFactory` (tests,
 * fake-indexeddb) or clock. Rejects with `history-unavailable` where IndexedDB cannot be used.
 */
export async function openTranscriptHistory(environment: HistoryEnvironment = {}): Promise<TranscriptHistory> {
  const factory = "indexedDB" in environment ? environment.indexedDB : globalThis.indexedDB;
  const now = environment.now ?? Date.now;
  if (factory === undefined || factory === null) throw unavailable(undefined);
  const db = await openDatabase(factory);
  let closed = false;
  db.onversionchange = () => {
    log.info("the history database is being upgraded in another tab; closing this connection");
    closed = true;
    db.close();
  };
  db.onclose = () => {
    log.warn("the browser closed the history database (site data cleared?)");
    closed = true;
  };

  const run = async <T>(action: string, mode: IDBTransactionMode, body: (store: IDBObjectStore) => Promise<T>): Promise<T> => {
    try {
      const tx = db.transaction(HISTORY_STORE, mode);
      const done = completion(tx);
      const result = body(tx.objectStore(HISTORY_STORE));
      // Both must settle; a request error also aborts the transaction.
      const [value] = await Promise.all([result, done]);
      return value;
    } catch (cause) {
      throw failure(cause, action);
    }
  };

  const list = async (): Promise<TranscriptRecord[]> => {
    const all = await run("read", "readonly", (store) => request(store.getAll()));
    const valid = all.filter(isTranscriptRecord);
    if (valid.length < all.length) log.warn(`skipped ${all.length - valid.length} malformed transcript record(s)`);
    return sortNewestFirst(valid);
  };

  return {
    list,
    search: async (query) => filterTranscripts(await list(), query),
    get: async (id) => {
      const value = await run("read", "readonly", (store) => request(store.get(id)));
      return isTranscriptRecord(value) ? value : null;
    },
    save: async (record) => {
      if (!isTranscriptRecord(record)) throw new TranscriptHistoryError("history-invalid", "This transcript cannot be saved: the record is malformed.");
      const plain = plainRecord(record);
      await run("save to", "readwrite", (store) => request(store.put(plain)));
      return plain;
    },
    rename: async (id, title) => {
      const clean = normalizeTitle(title);
      if (clean === null) throw new TranscriptHistoryError("history-invalid", "A title cannot be empty.");
      return run("rename in", "readwrite", (store) =>
        request(store.get(id)).then(async (value) => {
          if (!isTranscriptRecord(value)) throw new TranscriptHistoryError("history-not-found", "That transcript is no longer in the history.", { context: { id } });
          const renamed: TranscriptRecord = { ...plainRecord(value), title: clean, updatedAt: Math.max(now(), value.createdAt) };
          await request(store.put(renamed));
          return renamed;
        }),
      );
    },
    delete: async (id) => {
      await run("delete from", "readwrite", (store) => request(store.delete(id)));
    },
    clear: async () => {
      await run("clear", "readwrite", (store) => request(store.clear()));
    },
    close: () => {
      closed = true;
      db.close();
    },
    isClosed: () => closed,
  };
}

// ---------------------------------------------------------------------------------------------
// The page's shared connection

let shared: Promise<TranscriptHistory> | null = null;

function openShared(): Promise<TranscriptHistory> {
  const opening = openTranscriptHistory();
  // A failed open is not kept: storage may be allowed later (the user leaves private mode, frees space).
  opening.catch(() => {
    if (shared === opening) shared = null;
  });
  return opening;
}

async function history(): Promise<TranscriptHistory> {
  const existing = shared;
  if (existing !== null) {
    const current = await existing.catch(() => null);
    if (current !== null && !current.isClosed()) return current;
    // Closed by another tab's upgrade or a cleared site (or failed to open): open again.
    if (shared === existing) shared = null;
  }
  shared ??= openShared();
  return shared;
}

/** What changed, as told to {@link onHistoryChanged} listeners in this tab and in others. */
export type HistoryChange =
  | { readonly type: "saved"; readonly id: string }
  | { readonly type: "renamed"; readonly id: string }
  | { readonly type: "deleted"; readonly id: string }
  | { readonly type: "cleared" };

const CHANNEL_NAME = "whisper-history";
const listeners = new Set<(change: HistoryChange) => void>();
let channel: BroadcastChannel | null | undefined;

function isHistoryChange(value: unknown): value is HistoryChange {
  if (!isRecord(value)) return false;
  if (value.type === "cleared") return true;
  return (value.type === "saved" || value.type === "renamed" || value.type === "deleted") && typeof value.id === "string";
}

function deliver(change: HistoryChange): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (error) {
      log.error("a history listener failed", error);
    }
  }
}

function broadcastChannel(): BroadcastChannel | null {
  if (channel !== undefined) return channel;
  channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL_NAME) : null;
  channel?.addEventListener("message", (event: MessageEvent<unknown>) => {
    if (isHistoryChange(event.data)) deliver(event.data);
  });
  return channel;
}

function announce(change: HistoryChange): void {
  deliver(change);
  broadcastChannel()?.postMessage(change);
}

/**
 * Calls `listener` after every change to the history made through this module, in this tab or in
 * another tab of the app (so an open history list stays current). Returns the unsubscribe function.
 */
export function onHistoryChanged(listener: (change: HistoryChange) => void): () => void {
  listeners.add(listener);
  broadcastChannel();
  return () => {
    listeners.delete(listener);
  };
}

/** Every saved transcript, newest first. */
export async function listTranscripts(): Promise<TranscriptRecord[]> {
  return (await history()).list();
}

/** Saved transcripts whose title or text contains every word of `query`, ignoring case and accents; newest first. */
export async function searchTranscripts(query: string): Promise<TranscriptRecord[]> {
  return (await history()).search(query);
}

/** One saved transcript, or null. */
export async function getTranscript(id: string): Promise<TranscriptRecord | null> {
  return (await history()).get(id);
}

/** Saves (or replaces) a transcript; build new ones with {@link createTranscriptRecord}. */
export async function saveTranscript(record: TranscriptRecord): Promise<TranscriptRecord> {
  const saved = await (await history()).save(record);
  announce({ type: "saved", id: saved.id });
  return saved;
}

/** Renames a saved transcript and returns it as stored. */
export async function renameTranscript(id: string, title: string): Promise<TranscriptRecord> {
  const renamed = await (await history()).rename(id, title);
  announce({ type: "renamed", id });
  return renamed;
}

/** Deletes a saved transcript (a missing one is not an error). */
export async function deleteTranscript(id: string): Promise<void> {
  await (await history()).delete(id);
  announce({ type: "deleted", id });
}

/** Deletes every saved transcript on this device. */
export async function clearTranscripts(): Promise<void> {
  await (await history()).clear();
  announce({ type: "cleared" });
}

/**
 * One saved transcript as the history stores it: its type, validation of what comes back from
 * storage, and building new records (ids, cleaned and default titles). Pure, so it runs in Node.
 */
import { isRecord } from "../guards";
import type { Segment } from "../transcript/types";

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
  /** When the user last corrected its text by hand (ms since the epoch); absent while it is the model's own text. */
  readonly editedAt?: number;
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
  const { id, title, createdAt, updatedAt, source, fileName, duration, language, text, segments, model, editedAt } = value;
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
    (model === undefined || typeof model === "string") &&
    (editedAt === undefined || isTime(editedAt))
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

/**
 * A copy of `record` with exactly the fields of {@link TranscriptRecord} (no extra properties a
 * caller or an imported file added), segments as plain objects. Use it before storing a record.
 */
export function toPlainRecord(record: TranscriptRecord): TranscriptRecord {
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
    ...(record.editedAt === undefined ? {} : { editedAt: record.editedAt }),
  };
}

/** Records newest first (by `createdAt`, then `id` so the order is total). Returns a new array. */
export function sortNewestFirst<T extends Pick<TranscriptRecord, "createdAt" | "id">>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

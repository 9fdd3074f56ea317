/**
 * Our own JSON transcript document: the one format that round-trips (write it with {@link toJson},
 * read it back with {@link parseTranscriptJson}), with a version so old files stay readable.
 */
import { isRecord } from "../guards";
import { toCues, toMilliseconds } from "./cues";
import type { TranscriptContent } from "./types";

/** Optional facts written into the JSON document's `metadata`; nothing here changes the transcript itself. */
export interface TranscriptMetadata {
  readonly title?: string;
  readonly source?: string;
  readonly model?: string;
  /** ISO 8601 date-time, e.g. `new Date().toISOString()`. */
  readonly createdAt?: string;
  /** True when a person corrected the text by hand; the timings are still the model's. */
  readonly edited?: boolean;
  /** ISO 8601 date-time of the last hand correction. */
  readonly editedAt?: string;
}

/** The `format` field of every JSON transcript we write. */
export const TRANSCRIPT_JSON_FORMAT = "whisper-transcript";

/** The current JSON schema version; bumped only when a field changes meaning or is removed. */
export const TRANSCRIPT_JSON_VERSION = 1;

/**
 * The JSON document {@link toJson} writes (schema version 1). Stable: fields may be added, but none
 * changes meaning without a new `version`. Times are seconds rounded to milliseconds.
 *
 * ```json
 * {
 *   "format": "whisper-transcript",
 *   "version": 1,
 *   "language": "en",
 *   "duration": 12.5,
 *   "text": "Hello there. General Kenobi.",
 *   "segments": [{ "id": 0, "start": 0, "end": 4.5, "text": "Hello there." }],
 *   "metadata": { "title": "voice.ogg", "model": "whisper-tiny", "edited": true, "editedAt": "2026-12-02T01:00:00.000Z" }
 * }
 * ```
 * `language` is an ISO 639-1 code or null; `segments[].id` counts from 0 in start order (empty
 * segments are dropped, like in the subtitle formats); `metadata` is present only when given and
 * holds only the keys given.
 */
export interface TranscriptJson {
  readonly format: typeof TRANSCRIPT_JSON_FORMAT;
  readonly version: typeof TRANSCRIPT_JSON_VERSION;
  readonly language: string | null;
  readonly duration: number;
  readonly text: string;
  readonly segments: ReadonlyArray<{ readonly id: number; readonly start: number; readonly end: number; readonly text: string }>;
  readonly metadata?: TranscriptMetadata;
}

/** Builds the {@link TranscriptJson} document as an object (see {@link toJson} for the text). */
export function toTranscriptJson(content: TranscriptContent, metadata?: TranscriptMetadata): TranscriptJson {
  const cleanMetadata = metadata === undefined ? undefined : pickMetadata(metadata);
  return {
    format: TRANSCRIPT_JSON_FORMAT,
    version: TRANSCRIPT_JSON_VERSION,
    language: content.language,
    duration: toMilliseconds(content.duration) / 1000,
    text: content.text.trim(),
    segments: toCues(content).map((cue, id) => ({ id, start: cue.startMs / 1000, end: cue.endMs / 1000, text: cue.lines.join("\n") })),
    ...(cleanMetadata === undefined ? {} : { metadata: cleanMetadata }),
  };
}

function pickMetadata(metadata: TranscriptMetadata): TranscriptMetadata | undefined {
  const out: { title?: string; source?: string; model?: string; createdAt?: string; edited?: boolean; editedAt?: string } = {};
  if (typeof metadata.title === "string") out.title = metadata.title;
  if (typeof metadata.source === "string") out.source = metadata.source;
  if (typeof metadata.model === "string") out.model = metadata.model;
  if (typeof metadata.createdAt === "string") out.createdAt = metadata.createdAt;
  if (typeof metadata.edited === "boolean") out.edited = metadata.edited;
  if (typeof metadata.editedAt === "string") out.editedAt = metadata.editedAt;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The {@link TranscriptJson} document as pretty-printed JSON (two spaces) ending with "\n". */
export function toJson(content: TranscriptContent, metadata?: TranscriptMetadata): string {
  return `${JSON.stringify(toTranscriptJson(content, metadata), null, 2)}\n`;
}

function isJsonSegment(value: unknown): value is TranscriptJson["segments"][number] {
  return (
    isRecord(value) &&
    typeof value.id === "number" &&
    typeof value.start === "number" &&
    typeof value.end === "number" &&
    typeof value.text === "string"
  );
}

/**
 * Reads a document written by {@link toJson} (version 1) back, e.g. a transcript the user imports.
 * Returns null for anything else: other JSON, another `format`, a newer `version`, or wrong field types.
 */
export function parseTranscriptJson(text: string): TranscriptJson | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.format !== TRANSCRIPT_JSON_FORMAT || value.version !== TRANSCRIPT_JSON_VERSION) return null;
  const { language, duration, text: body, segments, metadata } = value;
  if (!(language === null || typeof language === "string") || typeof duration !== "number" || typeof body !== "string") return null;
  if (!Array.isArray(segments) || !segments.every(isJsonSegment)) return null;
  const cleanMetadata = isRecord(metadata) ? pickMetadata(metadata) : undefined;
  return {
    format: TRANSCRIPT_JSON_FORMAT,
    version: TRANSCRIPT_JSON_VERSION,
    language,
    duration,
    text: body,
    segments,
    ...(cleanMetadata === undefined ? {} : { metadata: cleanMetadata }),
  };
}

/**
 * Turns a finished transcription into the files people download or share: plain text (optionally
 * with a timestamp per line), SubRip (`.srt`), WebVTT (`.vtt`) and our own JSON. Pure functions over
 * the worker's {@link TranscriptResult}, so the page, the Telegram inbox and tests share one writer.
 *
 * Conventions, the same for every format:
 * - Lines end with "\n" (LF). SRT is CRLF by tradition, but every player and editor we know reads LF,
 *   and one line ending keeps the output byte-for-byte predictable.
 * - Times are clamped: NaN, infinite and negative times become 0, and a cue never ends before it
 *   starts. They are rounded to whole milliseconds once, then split, so 59.9996 s is `00:01:00,000`.
 * - Segments are written in start order (a stable sort), and segments with no text are left out;
 *   cue numbers count only the cues written.
 * - A transcript with text but no segments becomes one cue spanning the whole audio.
 */
import { toJson, type TranscriptMetadata } from "./transcript-json";
import { toCues, toMilliseconds } from "./cues";
import type { TranscriptContent } from "./types";

/** The file formats a transcript can be saved as. */
export type TranscriptFormat = "txt" | "srt" | "vtt" | "json";

/** Every {@link TranscriptFormat}, in the order a menu should offer them. */
export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = ["txt", "srt", "vtt", "json"];

/** Options for {@link toTxt}. */
export interface TxtOptions {
  /** One segment per line, each prefixed with its start time as `[mm:ss]` (or `[h:mm:ss]` past an hour). */
  readonly timestamps?: boolean;
}

/** Options for {@link formatTranscript}: what each format reads. */
export interface FormatOptions extends TxtOptions {
  /** JSON only. */
  readonly metadata?: TranscriptMetadata;
}

/** Is `value` one of the {@link TRANSCRIPT_FORMATS}? Use it on a value from a URL, a menu or storage. */
export function isTranscriptFormat(value: unknown): value is TranscriptFormat {
  return typeof value === "string" && TRANSCRIPT_FORMATS.some((format) => format === value);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/**
 * A subtitle timestamp: `HH:MM:SS,mmm` for SRT, `HH:MM:SS.mmm` for WebVTT. Hours grow past two
 * digits when they must (`100:00:00,000`); bad times print as zero.
 */
export function formatTimestamp(seconds: number, style: "srt" | "vtt"): string {
  const total = toMilliseconds(seconds);
  const ms = total % 1000;
  const s = Math.floor(total / 1000) % 60;
  const m = Math.floor(total / 60_000) % 60;
  const h = Math.floor(total / 3_600_000);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${style === "srt" ? "," : "."}${pad(ms, 3)}`;
}

/**
 * A short clock for reading along: `mm:ss`, or `h:mm:ss` when `withHours` (pass true for the whole
 * transcript when any time in it reaches an hour, so the column stays aligned). Whole seconds, rounded down.
 */
export function formatClock(seconds: number, withHours = false): string {
  const total = Math.floor(toMilliseconds(seconds) / 1000);
  const s = total % 60;
  if (withHours) return `${Math.floor(total / 3600)}:${pad(Math.floor(total / 60) % 60, 2)}:${pad(s, 2)}`;
  return `${pad(Math.floor(total / 60), 2)}:${pad(s, 2)}`;
}


/** `-->` is the timing separator in both subtitle formats; text must never contain it. */
function defuseArrow(line: string): string {
  return line.replace(/--+>/g, "→");
}

/**
 * SubRip: numbered cues, `00:00:01,000 --> 00:00:04,500`, the text, and a blank line between cues.
 * Lines end with "\n". An empty transcript gives an empty string. Text is written as is (SRT players
 * read `<i>`-style tags, so `<` is not escaped) except that `-->` becomes `→`.
 */
export function toSrt(content: TranscriptContent): string {
  return toCues(content)
    .map((cue, index) => {
      const timing = `${formatTimestamp(cue.startMs / 1000, "srt")} --> ${formatTimestamp(cue.endMs / 1000, "srt")}`;
      return `${index + 1}\n${timing}\n${cue.lines.map(defuseArrow).join("\n")}\n`;
    })
    .join("\n");
}

/** Escapes cue text for WebVTT, where `&`, `<` and `>` start entities and tags. */
export function escapeVttText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * WebVTT: the `WEBVTT` header, then cues timed `00:00:01.000 --> 00:00:04.500` with their text
 * escaped (`&amp;`, `&lt;`, `&gt;`, which also rules out `-->`). An empty transcript gives just the header.
 */
export function toVtt(content: TranscriptContent): string {
  const cues = toCues(content).map((cue) => {
    const timing = `${formatTimestamp(cue.startMs / 1000, "vtt")} --> ${formatTimestamp(cue.endMs / 1000, "vtt")}`;
    return `${timing}\n${cue.lines.map(escapeVttText).join("\n")}\n`;
  });
  return ["WEBVTT\n", ...cues].join("\n");
}

/**
 * Plain text. Without options: the transcript's text (segments joined with spaces when the text is
 * empty), ending with one "\n". With `timestamps`: one line per segment, `[00:01] text`.
 * An empty transcript gives an empty string.
 */
export function toTxt(content: TranscriptContent, options: TxtOptions = {}): string {
  if (options.timestamps === true) {
    const cues = toCues(content);
    const withHours = cues.some((cue) => cue.startMs >= 3_600_000);
    return cues.map((cue) => `[${formatClock(cue.startMs / 1000, withHours)}] ${cue.lines.join(" ")}\n`).join("");
  }
  const text = content.text.trim().length > 0 ? content.text.trim() : content.segments.map((segment) => segment.text.trim()).filter(Boolean).join(" ");
  return text.length > 0 ? `${text}\n` : "";
}


/** Writes `content` in `format`; `options` are read only by the formats they concern. */
export function formatTranscript(content: TranscriptContent, format: TranscriptFormat, options: FormatOptions = {}): string {
  switch (format) {
    case "txt":
      return toTxt(content, options);
    case "srt":
      return toSrt(content);
    case "vtt":
      return toVtt(content);
    case "json":
      return toJson(content, options.metadata);
  }
}

/** Media and transcript extensions {@link fileNameFor} replaces; any other dot stays part of the name. */
const REPLACED_EXTENSIONS: ReadonlySet<string> = new Set([
  "ogg", "oga", "opus", "mp3", "m4a", "mp4", "m4v", "aac", "wav", "wave", "webm", "weba", "flac", "amr",
  "aif", "aiff", "aifc", "caf", "3gp", "3gpp", "mov", "mkv", "wma", "txt", "srt", "vtt", "json",
]);

const MAX_BASE_NAME_CHARS = 120;

/**
 * A safe download name for a transcript: `voice.ogg` + "srt" → `voice.srt`. Drops a media or
 * transcript extension, characters that Windows, macOS or Android refuse (`\ / : * ? " < > |`, control
 * characters), leading dots and trailing dots or spaces; shortens long names; falls back to
 * `transcript` when nothing is left.
 */
export function fileNameFor(baseName: string, format: TranscriptFormat): string {
  let name = baseName.normalize("NFC");
  const dot = name.lastIndexOf(".");
  if (dot > 0 && REPLACED_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())) name = name.slice(0, dot);
  name = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f\\/:*?"<>|]+/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  if (name.length > MAX_BASE_NAME_CHARS) name = Array.from(name).slice(0, MAX_BASE_NAME_CHARS).join("").trimEnd();
  return `${name.length > 0 ? name : "transcript"}.${format}`;
}

const MIME_TYPES: Readonly<Record<TranscriptFormat, string>> = {
  txt: "text/plain;charset=utf-8",
  srt: "application/x-subrip;charset=utf-8",
  vtt: "text/vtt;charset=utf-8",
  json: "application/json;charset=utf-8",
};

/**
 * The MIME type for a `Blob` or `File` of `format`, with `charset=utf-8`. Note that the Web Share
 * API only shares a short list of types: share SRT and VTT files as `text/plain` if `canShare` refuses them.
 */
export function mimeTypeFor(format: TranscriptFormat): string {
  return MIME_TYPES[format];
}

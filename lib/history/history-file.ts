/**
 * The whole history as one JSON file, so a user can move their transcripts to another device:
 * written by {@link toHistoryFile}, read back and checked by {@link parseHistoryFile}, which says
 * in plain words what is wrong with a file it cannot read. Pure.
 */
import { isRecord } from "../guards";
import { TRANSCRIPT_JSON_FORMAT } from "../transcript/transcript-json";
import { TranscriptHistoryError } from "./history-error";
import { isTranscriptRecord, sortNewestFirst, toPlainRecord, type TranscriptRecord } from "./record";

/** The `format` mark of a history file. */
export const HISTORY_FILE_FORMAT = "whisper-history";

/** The current version of the history file; bumped only when a field changes meaning or is removed. */
export const HISTORY_FILE_VERSION = 1;

/**
 * A history file (version 1): `{ "format": "whisper-history", "version": 1, "exportedAt": ISO date,
 * "transcripts": [TranscriptRecord, …] }`, transcripts newest first with exactly the fields the
 * history stores (times in ms since the epoch, `duration` and segment times in seconds).
 */
export interface HistoryFile {
  readonly format: typeof HISTORY_FILE_FORMAT;
  readonly version: typeof HISTORY_FILE_VERSION;
  readonly exportedAt: string;
  readonly transcripts: readonly TranscriptRecord[];
}

/** The history file's text (pretty-printed, ending with "\n") for `records`, exported at `now`. */
export function toHistoryFile(records: readonly TranscriptRecord[], now: number = Date.now()): string {
  const file: HistoryFile = {
    format: HISTORY_FILE_FORMAT,
    version: HISTORY_FILE_VERSION,
    exportedAt: new Date(now).toISOString(),
    transcripts: sortNewestFirst(records).map(toPlainRecord),
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/** A download name for a history file made at `now`: `transcripts-2026-12-02.json`. */
export function historyFileName(now: number = Date.now()): string {
  return `transcripts-${new Date(now).toISOString().slice(0, 10)}.json`;
}

/** What {@link parseHistoryFile} read: the valid transcripts, and how many entries were damaged and left out. */
export interface ParsedHistoryFile {
  readonly records: readonly TranscriptRecord[];
  readonly skipped: number;
}

function invalid(message: string, context: Record<string, unknown> = {}): TranscriptHistoryError {
  return new TranscriptHistoryError("history-file-invalid", message, { context });
}

/**
 * Reads a history file. Damaged entries are left out and counted; the file as a whole is refused,
 * with code `history-file-invalid` and a message for the user, when it is not JSON, is another
 * kind of file (a single transcript's JSON export says so), comes from a newer version, or has no
 * list of transcripts.
 */
export function parseHistoryFile(text: string): ParsedHistoryFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw invalid("This file cannot be imported: it is not a history export (it is not JSON).", { reason: String(cause) });
  }
  if (!isRecord(value)) throw invalid("This file cannot be imported: it is not a history export.");
  if (value.format === TRANSCRIPT_JSON_FORMAT) {
    throw invalid("This is one transcript's JSON export, not a history export. Export the history with “Export all” on the other device.");
  }
  if (value.format !== HISTORY_FILE_FORMAT) throw invalid("This file cannot be imported: it is not a history export from this app.");
  if (typeof value.version !== "number" || !Number.isInteger(value.version) || value.version < 1) {
    throw invalid("This history file is damaged: its version is missing.");
  }
  if (value.version > HISTORY_FILE_VERSION) {
    throw invalid(`This history was exported by a newer version of the app (file version ${value.version}). Update this app (reload the page) and import again.`, { version: value.version });
  }
  const { transcripts } = value;
  if (!Array.isArray(transcripts)) throw invalid("This history file is damaged: it has no list of transcripts.");
  const records = transcripts.filter(isTranscriptRecord).map(toPlainRecord);
  return { records, skipped: transcripts.length - records.length };
}

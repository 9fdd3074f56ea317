/** The one error type of the transcript history, with its stable codes. */
import { AppError } from "../errors";

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
  /** A file given to import is not a history export this version can read; the message says why. */
  | "history-file-invalid"
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

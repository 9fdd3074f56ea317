/**
 * The error a file that could not be turned into audio raises, whichever decoder found the problem
 * (the browser's, the streaming decoder, the WASM Opus decoder).
 */
import { AppError } from "../errors";

/** Why a file could not be turned into audio. */
export type AudioDecodeErrorCode = "empty" | "not-audio" | "undecodable" | "silent-track";

/** A file that could not be decoded; `message` is meant for the person who chose the file. */
export class AudioDecodeError extends AppError {
  override readonly name = "AudioDecodeError";
  declare readonly code: AudioDecodeErrorCode;

  constructor(code: AudioDecodeErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

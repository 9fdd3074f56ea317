/** The one error type of microphone access and recording, with its stable codes. */
import { AppError } from "../errors";

/** Stable codes of {@link RecordingError}. */
export type RecordingErrorCode =
  /** No `getUserMedia` (an insecure http page, an old in-app browser) or no Web Audio. */
  | "microphone-unsupported"
  /** The user or a policy refused the microphone. */
  | "microphone-denied"
  /** There is no microphone. */
  | "microphone-missing"
  /** The microphone exists but cannot be opened (another app holds it, a hardware error). */
  | "microphone-busy"
  /** The microphone stopped while recording (unplugged, permission revoked, taken by a call). */
  | "microphone-ended"
  /** Anything else from `getUserMedia`. */
  | "microphone-failed"
  /** The recorder was used out of order (start twice, pause before start…). */
  | "recorder-state"
  /** The audio graph could not be set up. */
  | "recorder-audio";

/** Every failure of recording; switch on `code`, show `message`. */
export class RecordingError extends AppError {
  override readonly name = "RecordingError";
  declare readonly code: RecordingErrorCode;

  constructor(code: RecordingErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

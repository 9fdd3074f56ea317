/**
 * The sentences the status line (and the Telegram loop) shows when a run fails, and the original
 * error text for the "details" disclosure beside it. No library text goes into a sentence: the
 * runtimes' messages ("Could not locate file…", "Aborted()", "no available backend found…") only
 * reach the console and the details.
 */
import { AppError } from "../errors";
import { describeAttempt, type Attempt } from "../model/catalog";
import { classifyRunError, type RunErrorKind } from "../model/run-error";
import { isRecord } from "../guards";
import { AudioDecodeError } from "../audio/decode-error";

const KEEP = "your file is still selected.";

/** One sentence per kind of failure, for the attempt that failed last; each says what to do. */
const SENTENCES: Readonly<Record<RunErrorKind, (attempt: string) => string>> = {
  memory: (attempt) => `${attempt} ran out of memory, and there is no smaller model to try. Close other tabs or apps and try again; ${KEEP}`,
  download: (attempt) =>
    `The model files for ${attempt} could not be downloaded. Check the connection (on a self-hosted server: that its model folder is complete) and try again; ${KEEP}`,
  "webgpu-unavailable": (attempt) => `${attempt} could not use the GPU in this browser. Choose “CPU (WASM)” under Model settings and try again; ${KEEP}`,
  input: () => "The browser could not read the audio in this file. Try another file, or convert it to MP3, WAV or Ogg.",
  cancelled: () => "The transcription was stopped.",
  other: (attempt) =>
    `${attempt} failed for a reason this app does not recognise. Reload the page and try again; if it keeps failing, open “Details” and report what it says.`,
};

/**
 * Says why `attempt` failed with `error` and what the user can do. Use it for the final error of a
 * run, after the step-downs ran out; `last` is kept for callers that know no attempt is left.
 */
export function failureMessage(attempt: Attempt, error: unknown, last: boolean): string {
  const kind = classifyRunError(error);
  if (kind === "memory" && !last) return `${describeAttempt(attempt)} ran out of memory. Close other tabs or apps and try again; ${KEEP}`;
  return SENTENCES[kind](describeAttempt(attempt));
}

/**
 * The sentence for a file that could not be opened or decoded: our own {@link AudioDecodeError}
 * already speaks to the person who chose the file; anything else gets the generic input sentence.
 */
export function inputFailureMessage(error: unknown): string {
  return error instanceof AudioDecodeError ? error.message : SENTENCES.input("");
}

/**
 * The message of one of our own errors ({@link AppError}: written for the user), else `fallback`.
 * Use it wherever a caught error would otherwise be shown as it is (storage, microphone, history),
 * and log the original.
 */
export function ownMessageOr(error: unknown, fallback: string): string {
  return error instanceof AppError && error.message !== "" ? error.message : fallback;
}

const MAX_DEPTH = 5;

function nodeText(error: unknown): string {
  if (typeof error === "string") return error;
  if (typeof error === "number" || typeof error === "bigint" || typeof error === "boolean") return String(error);
  if (!isRecord(error)) return String(error);
  const name = typeof error.name === "string" ? error.name : "";
  const message = typeof error.message === "string" ? error.message : "";
  const text = name !== "" && message !== "" ? `${name}: ${message}` : name || message;
  if (text !== "") return text;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/**
 * The original error for the "details" disclosure and bug reports: every node of the `cause`
 * chain as "Name: message", one per line. Not for the status sentence.
 */
export function errorDetails(error: unknown): string {
  const lines: string[] = [];
  let node: unknown = error;
  for (let depth = 0; depth <= MAX_DEPTH && node !== undefined && node !== null; depth += 1) {
    lines.push(depth === 0 ? nodeText(node) : `caused by ${nodeText(node)}`);
    node = isRecord(node) && "cause" in node && node.cause !== node ? node.cause : undefined;
  }
  return lines.length === 0 ? String(error) : lines.join("\n");
}

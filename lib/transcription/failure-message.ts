/** The sentence the status line shows when the last attempt of a plan failed. */
import { describeError } from "../errors";
import { describeAttempt, type Attempt } from "../model/catalog";
import { classifyRunError } from "../model/run-error";

/**
 * Says why `attempt` failed with `error` and what the user can do; `last` means no smaller attempt
 * is left to try. Use it for the final error of a run, after the step-downs ran out.
 */
export function failureMessage(attempt: Attempt, error: unknown, last: boolean): string {
  const kind = classifyRunError(error);
  if (kind === "memory" && last) {
    return `${describeAttempt(attempt)} ran out of memory, and there is no smaller model to try. Close other tabs or apps and try again; your file is still selected.`;
  }
  if (kind === "download") return `The model could not be downloaded (${describeError(error)}). Check the connection and try again; your file is still selected.`;
  return `Transcription failed: ${describeError(error)}`;
}

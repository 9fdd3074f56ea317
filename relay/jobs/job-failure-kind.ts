/**
 * Which {@link FailureKind} a stored job stands for, so the chat's Retry button, the Retry callback,
 * the app's retry route and the inbox's events all judge a job by the same table
 * (`lib/relay/failure-kinds.ts`).
 */
import type { FailureKind } from "../../lib/relay/failure-kinds";
import type { JobRecord } from "../ports/relay-store";

/**
 * Use wherever the relay asks whether a job may be retried: a delivery that failed for good is
 * `delivery-failed` (whatever it was to say), an expired job `expired`, a failed one the kind the
 * browser reported (`other` when it did not say); null while the job is open or its transcript is shown.
 */
export function failureKindOf(job: JobRecord): FailureKind | null {
  if (job.deliveryFailed) return "delivery-failed";
  switch (job.state) {
    case "failed":
      return job.failureKind ?? "other";
    case "expired":
      return "expired";
    case "new":
    case "pending":
    case "claimed":
    case "done":
      return null;
  }
}

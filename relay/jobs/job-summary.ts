/**
 * Our stored job as the browser sees it. A claimed job whose lease has run out shows as pending,
 * because any session may claim it.
 */
import type { JobState, JobSummary } from "../../lib/relay/protocol";
import type { JobRecord } from "../ports/relay-store";

/** The public state of `job` at `now`. */
export function publicState(job: JobRecord, now: number): JobState {
  if (job.state === "new") return "pending";
  if (job.state === "claimed" && (job.lease === null || job.lease.expiresAt <= now)) return "pending";
  return job.state;
}

/** The {@link JobSummary} sent in events and lists. */
export function toJobSummary(job: JobRecord, now: number): JobSummary {
  return {
    id: job.id,
    kind: job.media.kind,
    duration: job.media.duration,
    mime: job.media.mime,
    size: job.media.size,
    fileName: job.media.fileName,
    languageHint: job.languageHint,
    ...(job.ownerLanguageCode === undefined || job.ownerLanguageCode === null ? {} : { ownerLanguageCode: job.ownerLanguageCode }),
    createdAt: new Date(job.createdAt).toISOString(),
    expiresAt: new Date(job.expiresAt).toISOString(),
    state: publicState(job, now),
  };
}

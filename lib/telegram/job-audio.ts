/** What the runner needs to fetch a job's audio and hold its lease: file name, MIME type, heartbeat. */
import type { JobSummary } from "../relay/protocol";

const EXTENSIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/ogg|opus/, "ogg"],
  [/webm/, "webm"],
  [/mpeg|mp3/, "mp3"],
  [/mp4|m4a|aac/, "m4a"],
  [/wav/, "wav"],
  [/flac/, "flac"],
];

/** The file name to give a job's audio: Telegram's, else one made from its kind and MIME type (`voice-<id>.ogg`). */
export function audioFileName(job: JobSummary, contentType: string | null): string {
  if (job.fileName !== null && job.fileName.trim().length > 0) return job.fileName.trim();
  const type = (contentType ?? job.mime ?? "").toLowerCase();
  const extension = EXTENSIONS.find(([pattern]) => pattern.test(type))?.[1] ?? (job.kind === "video_note" ? "mp4" : "ogg");
  return `${job.kind.replace("_", "-")}-${job.id}.${extension}`;
}

/** The MIME type to give a job's audio: the relay's unless it is the generic octet-stream, else Telegram's. */
export function audioMimeType(job: JobSummary, contentType: string | null): string {
  const sent = contentType?.split(";")[0]?.trim() ?? "";
  if (sent.length > 0 && sent !== "application/octet-stream") return sent;
  return job.mime ?? sent;
}

/** How often to renew a lease of `leaseSeconds`: three times per lease, at most every 30 s, at least every second. */
export function heartbeatIntervalMs(leaseSeconds: number): number {
  return Math.round(Math.min(30, Math.max(1, leaseSeconds / 3)) * 1000);
}

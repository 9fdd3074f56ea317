/** Job summaries for the Telegram inbox and job tests. */
import type { JobSummary } from "../../../../lib/relay/protocol";

/** The tests' "now": jobs are created shortly before it. */
export const NOW = Date.parse("2025-01-01T12:00:00Z");

export function job(id: string, patch: Partial<JobSummary> = {}): JobSummary {
  return {
    id,
    kind: "voice",
    duration: 7,
    mime: "audio/ogg",
    size: 4096,
    fileName: null,
    languageHint: null,
    createdAt: new Date(NOW - 60_000 + Number(id.replace(/\D/g, "") || 0) * 1000).toISOString(),
    expiresAt: new Date(NOW + 86_400_000).toISOString(),
    state: "pending",
    ...patch,
  };
}

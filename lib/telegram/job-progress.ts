/**
 * Live text from this device: while a Telegram job transcribes here, the text so far goes to the
 * relay (`POST /api/jobs/:id/progress`), which shows it in the chat as a draft. At most one post is
 * in flight and posts are spaced {@link PROGRESS_INTERVAL_MS} apart; text that changes meanwhile
 * replaces what waits, so only the newest is sent. Best effort: a failed post is only logged, and a
 * refused one (the lease is gone, or the chat cannot show it) ends the reporting for this job.
 */
import { describeError } from "../errors";
import { createLogger } from "../logger";
import type { RelayClient } from "../relay/client";
import { RelayClientError } from "../relay/client-error";

const log = createLogger("telegram");

/** Least time between two progress posts of one job (the relay throttles its chat edits further). */
export const PROGRESS_INTERVAL_MS = 1500;

/** What the reporter reads: the transcriber's text so far and its change notifications. */
export interface ProgressSource {
  /** The text so far of the run in progress, or null when there is none. */
  partialText?(): string | null;
  subscribe(listener: () => void): () => void;
}

/** Options of {@link reportProgress}; tests shorten the interval. */
export interface ProgressOptions {
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** A running reporter; `stop` it before the result is posted. */
export interface ProgressReporter {
  stop(): void;
}

/** Starts sending the job's text so far as `source` reports it; see the module comment. */
export function reportProgress(client: RelayClient, jobId: string, lease: string, source: ProgressSource, options: ProgressOptions = {}): ProgressReporter {
  const intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let stopped = false;
  let sending = false;
  let lastSentAt = -Infinity;
  let sent = "";
  let timer: ReturnType<typeof setTimeout> | null = null;

  const stop = (): void => {
    stopped = true;
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  const latest = (): string => source.partialText?.()?.trim() ?? "";

  const send = async (): Promise<void> => {
    timer = null;
    const text = latest();
    if (stopped || sending || text.length === 0 || text === sent) return;
    sending = true;
    lastSentAt = now();
    try {
      const answer = await client.postProgress(jobId, lease, text);
      sent = text;
      if (!answer.accepted) stop();
    } catch (error) {
      if (error instanceof RelayClientError && (error.status === 404 || error.status === 409)) stop();
      else log.debug(`could not send the text so far of job ${jobId}`, describeError(error));
    } finally {
      sending = false;
    }
    consider();
  };

  function consider(): void {
    if (stopped || sending || timer !== null || latest() === sent) return;
    const wait = Math.max(0, lastSentAt + intervalMs - now());
    timer = setTimeout(() => void send(), wait);
  }

  const unsubscribe = source.subscribe(consider);
  return { stop };
}

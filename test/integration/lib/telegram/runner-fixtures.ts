/**
 * What the Telegram runner's integration tests share: a scripted transcriber in place of Whisper,
 * the launch a Mini App page would read, a finished outcome, and runners on the harness's relay.
 */
import type { FetchLike } from "../../../../lib/relay/client";
import { parseInitData } from "../../../../lib/telegram/init-data";
import { TelegramJobsRunner } from "../../../../lib/telegram/jobs-runner";
import { createMemoryStorage } from "../../../../lib/storage";
import type { FinishedJob, JobRunOutcome, JobTranscriber } from "../../../../lib/telegram/job-run";
import type { TelegramJobsOptions } from "../../../../lib/telegram/jobs-snapshot";
import { afterEach, beforeEach } from "vitest";
import { startHarness, type Harness } from "../../relay/harness";

/**
 * A transcriber that answers each run with the next scripted outcome, recording the files and the
 * options it got; `setBusy` plays the page being busy with a file of the user's.
 */
export function scripted(outcomes: JobRunOutcome[]): JobTranscriber & { files: File[]; asked: AskedOptions[]; cancelled: number; setBusy(busy: boolean): void } {
  const files: File[] = [];
  const asked: AskedOptions[] = [];
  const listeners = new Set<() => void>();
  let busy = false;
  const self = {
    files,
    asked,
    cancelled: 0,
    async transcribeFile(file: File, options: AskedOptions): Promise<JobRunOutcome> {
      files.push(file);
      asked.push(options);
      return outcomes.shift() ?? { kind: "failed", message: "no outcome scripted" };
    },
    cancel() {
      self.cancelled += 1;
    },
    isBusy: () => busy,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setBusy(next: boolean) {
      busy = next;
      for (const listener of listeners) listener();
    },
  };
  return self;
}

/** What the runner asked the transcriber for one job. */
export type AskedOptions = Parameters<JobTranscriber["transcribeFile"]>[1];

/** The launch a Mini App page would read from its hash for `initData`. */
export function launchOf(initData: string | null): TelegramJobsOptions["launch"] {
  if (initData === null) return null;
  const parsed = parseInitData(initData);
  const user = parsed.ok ? parsed.value.user : null;
  return user === null ? { initData } : { initData, user };
}

export const done = (text: string): Extract<JobRunOutcome, { kind: "done" }> => ({
  kind: "done",
  result: { text, segments: [{ start: 0, end: 1, text }], language: "en", duration: 1 },
  attempt: { model: "whisper-tiny" },
});


/** How a test sets up one runner (everything else is fixed: fast retries, the harness's relay). */
export interface RunnerOptions {
  initData?: string | null;
  storage?: ReturnType<typeof createMemoryStorage>;
  fetch?: FetchLike;
  onFinished?: (f: FinishedJob) => void;
  browserLanguages?: readonly string[];
}

/** A runner on `h`'s relay, kept in `runners` so the test's afterEach disposes it. */
export function runnerFor(h: Harness, runners: TelegramJobsRunner[], options: RunnerOptions = {}): TelegramJobsRunner {
  const created = new TelegramJobsRunner({
    baseUrl: h.relay.url,
    storage: options.storage ?? createMemoryStorage(),
    launch: launchOf(options.initData ?? null),
    subscription: { initialRetryMs: 50, maxRetryMs: 200 },
    retryDelayMs: 50,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.onFinished === undefined ? {} : { onFinished: options.onFinished }),
    ...(options.browserLanguages === undefined ? {} : { browserLanguages: () => options.browserLanguages ?? [] }),
  });
  runners.push(created);
  return created;
}

/**
 * Registers, for every test of the calling `describe`, a fresh harness (a relay and the stand-in
 * Bot API over sockets) and disposes the runners the test made. `h()` is the current test's harness;
 * `runner` makes a runner against it.
 */
export function useRunnerHarness(): { readonly h: () => Harness; readonly runner: (options?: RunnerOptions) => TelegramJobsRunner } {
  let harness: Harness | null = null;
  const runners: TelegramJobsRunner[] = [];
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    for (const made of runners.splice(0)) made.dispose();
    await harness?.close();
    harness = null;
  });
  const h = (): Harness => {
    if (harness === null) throw new Error("the runner harness exists only inside a test");
    return harness;
  };
  return { h, runner: (options) => runnerFor(h(), runners, options) };
}

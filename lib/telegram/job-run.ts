/**
 * One Telegram job on this device, from claim to delivery: claims the job, keeps its lease alive,
 * fetches the audio, waits until the page is free, hands the file to the transcriber and posts the
 * text (retrying a network failure). A run cancelled (or failed for a reason another device may not
 * share) gives the job back (release) so another device, or a retry, can take it; a file that is not
 * audio, one that is empty or cut short, or a model out of memory on every attempt, is posted as a
 * failure with its kind, so the chat says why (with Retry only where it can help).
 * `JobScheduler` (job-scheduler.ts) calls {@link runJob} for each job.
 */
import { describeError } from "../errors";
import { createLogger } from "../logger";
import { type RelayClient } from "../relay/client";
import type { ClaimResponse, JobSummary } from "../relay/protocol";
import type { Segment } from "../transcript/types";
import type { PostedFailureKind } from "../relay/failure-kinds";
import { type LocalJobState } from "./inbox";
import { audioFileName, audioMimeType, heartbeatIntervalMs } from "./job-audio";
import { RelayClientError } from "../relay/client-error";
import { reportProgress } from "./job-progress";
import { jobPreferredLanguages, type PageLanguages } from "./job-languages";
import type { LanguageChoice, PreferredLanguage } from "../transcription/language-choice";

const log = createLogger("telegram");
const RESULT_ATTEMPTS = 3;

/** What a transcription run reports; the app's `RunOutcome` fits it. */
export type JobRunOutcome =
  | {
      readonly kind: "done";
      readonly result: { readonly text: string; readonly segments: readonly Segment[]; readonly language: string | null; readonly duration: number };
      readonly attempt?: { readonly model: string };
      /** When the language was left to detection: which was used and why. */
      readonly languageChoice?: LanguageChoice;
    }
  | { readonly kind: "cancelled" }
  | { readonly kind: "failed"; readonly message: string; readonly reason?: "input" | "empty" | "memory" | "other" };

/** What the chat is told when a job cannot succeed on any device, by the run's failure reason. */
export const FINAL_FAILURES = {
  input: "this file is not audio the app can read",
  empty: "this file is empty or cut short",
  memory: "the model ran out of memory on every device",
} as const;

/** The failure kind posted with each final failure (it decides whether the chat offers Retry). */
const FINAL_FAILURE_KINDS: Readonly<Record<keyof typeof FINAL_FAILURES, PostedFailureKind>> = {
  input: "not-audio",
  empty: "empty",
  memory: "memory",
};

/**
 * The page's transcriber, as the runner uses it: one run at a time, cancellable, and a store the
 * runner follows to know when the page is busy. The app's `TranscriptionSession` implements it.
 */
export interface JobTranscriber {
  /** `preferredLanguages`: the owner's languages, preferred when detection is unsure (only with `language` null). */
  transcribeFile(file: File, options: { readonly language: string | null; readonly task: "transcribe"; readonly preferredLanguages?: readonly PreferredLanguage[] }): Promise<JobRunOutcome>;
  /** Cancels the run in progress (the one the runner started: it only calls this while its own run is going). */
  cancel(): void;
  /** The text so far of the run in progress (live text in the chat), or null; optional. */
  partialText?(): string | null;
  /** True while any run is in progress (a file the user picked, or a job of the runner's). */
  isBusy(): boolean;
  /** Calls `listener` after every change of the transcriber's state; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** A job this device transcribed and delivered. */
export interface FinishedJob {
  readonly job: JobSummary;
  readonly fileName: string;
  readonly outcome: Extract<JobRunOutcome, { kind: "done" }>;
}

/** What a job run needs from the runner that started it. */
export interface JobRunContext {
  readonly client: RelayClient;
  /** Shows the job's state on this device in the inbox. */
  setLocal(id: string, local: LocalJobState): void;
  /** The page's transcriber now (null once there is none). */
  transcriber(): JobTranscriber | null;
  /** The inbox shows job `id` as transcribing here. */
  isTranscribing(id: string): boolean;
  /** Resolves once the page is not busy with a run of its own. */
  waitUntilIdle(): Promise<void>;
  /** The relay could not be reached: automatic mode waits a little. */
  pauseAutomatic(): void;
  disposed(): boolean;
  /** The user's languages as this page knows them (see job-languages.ts); none when absent. */
  languages?(): PageLanguages;
  readonly onFinished?: ((finished: FinishedJob) => void) | undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isConflict(error: unknown): boolean {
  return error instanceof RelayClientError && (error.status === 409 || error.status === 404);
}

function isNetwork(error: unknown): boolean {
  return error instanceof RelayClientError && error.apiCode === "network";
}

/** Runs job `summary` on this device to the end: delivered, taken by another device, or given back. */
export async function runJob(context: JobRunContext, summary: JobSummary): Promise<void> {
  const { client } = context;
  const id = summary.id;
  context.setLocal(id, { kind: "claiming" });
  let leaseLost = false;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const download = new AbortController();
  try {
    let claim: ClaimResponse;
    try {
      claim = await client.claim(id);
    } catch (error) {
      if (isConflict(error)) {
        context.setLocal(id, { kind: "taken" });
      } else {
        log.warn(`could not take job ${id}`, describeError(error));
        context.setLocal(id, { kind: "none" });
        context.pauseAutomatic();
      }
      return;
    }
    const job = claim.job;
    const held = claim.lease;
    heartbeat = setInterval(() => {
      client.heartbeat(id, held).catch((error: unknown) => {
        if (!isConflict(error) || leaseLost) return;
        leaseLost = true;
        log.warn(`lost the lease on job ${id}`, describeError(error));
        download.abort();
        if (context.isTranscribing(id)) context.transcriber()?.cancel();
      });
    }, heartbeatIntervalMs(claim.leaseSeconds));

    context.setLocal(id, { kind: "downloading" });
    let file: File;
    try {
      const audio = await client.fetchAudio(id, held, download.signal);
      file = new File([audio.data], audioFileName(job, audio.contentType), { type: audioMimeType(job, audio.contentType) });
    } catch (error) {
      if (leaseLost) {
        context.setLocal(id, { kind: "taken" });
        return;
      }
      await giveBack(context, client, id, held, "failed", `could not fetch the audio: ${describeError(error)}`);
      if (isNetwork(error)) context.pauseAutomatic();
      return;
    }

    // A file the user picked meanwhile goes first; the lease is kept alive while it runs.
    await context.waitUntilIdle();
    const transcriber = context.transcriber();
    if (leaseLost || context.disposed() || transcriber === null) {
      if (!leaseLost && !context.disposed()) await giveBack(context, client, id, held, "cancelled", null);
      else context.setLocal(id, { kind: "taken" });
      return;
    }
    context.setLocal(id, { kind: "transcribing" });
    const progress = reportProgress(client, id, held, transcriber);
    const preferred = jobPreferredLanguages(job, context.languages?.() ?? { telegram: null, browser: [] });
    const language = job.languageHint;
    const outcome = await transcriber
      .transcribeFile(file, preferred.length === 0 ? { language, task: "transcribe" } : { language, task: "transcribe", preferredLanguages: preferred })
      .finally(() => progress.stop());
    if (leaseLost) {
      context.setLocal(id, { kind: "taken" });
      return;
    }
    switch (outcome.kind) {
      case "cancelled":
        await giveBack(context, client, id, held, "cancelled", null);
        return;
      case "failed":
        if (outcome.reason === "input" || outcome.reason === "empty" || outcome.reason === "memory") await postFailure(context, client, id, held, outcome.reason, outcome.message);
        else await giveBack(context, client, id, held, "failed", outcome.message);
        return;
      case "done":
        await deliver(context, client, job, held, file.name, outcome);
        return;
    }
  } finally {
    if (heartbeat !== null) clearInterval(heartbeat);
  }
}

async function deliver(context: JobRunContext, client: RelayClient, job: JobSummary, lease: string, fileName: string, outcome: Extract<JobRunOutcome, { kind: "done" }>): Promise<void> {
  context.setLocal(job.id, { kind: "sending" });
  const { text, segments, language } = outcome.result;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.postResult(job.id, lease, { text, segments: segments.map(({ start, end, text: segmentText }) => ({ start, end, text: segmentText })), language });
      break;
    } catch (error) {
      if (isConflict(error)) {
        log.warn(`the relay refused the transcript of job ${job.id}`, describeError(error));
        context.setLocal(job.id, { kind: "taken" });
        return;
      }
      if (!isNetwork(error) || attempt >= RESULT_ATTEMPTS) {
        await giveBack(context, client, job.id, lease, "failed", `could not send the text: ${describeError(error)}`);
        return;
      }
      // Posting again is safe: the relay counts a result once.
      await sleep(1000 * attempt);
    }
  }
  context.setLocal(job.id, { kind: "sent", text, ...(outcome.languageChoice === undefined ? {} : { languageChoice: outcome.languageChoice }) });
  log.info(`job ${job.id} transcribed and sent`);
  try {
    context.onFinished?.({ job, fileName, outcome });
  } catch (error) {
    log.warn("keeping the Telegram transcript failed", describeError(error));
  }
}

/**
 * Ends the job as failed at the relay, so the chat says why (with Retry) instead of waiting for a
 * device that would fail the same way. When the post does not get through, the job is given back.
 */
async function postFailure(context: JobRunContext, client: RelayClient, id: string, lease: string, final: keyof typeof FINAL_FAILURES, detail: string): Promise<void> {
  log.warn(`job ${id} cannot be transcribed: ${detail}`);
  const reason = FINAL_FAILURES[final];
  const failureKind = FINAL_FAILURE_KINDS[final];
  try {
    await client.postFailure(id, lease, reason, failureKind);
  } catch (error) {
    if (isConflict(error)) {
      context.setLocal(id, { kind: "taken" });
      return;
    }
    log.warn(`could not report the failure of job ${id}`, describeError(error));
    await giveBack(context, client, id, lease, "failed", detail);
    return;
  }
  context.setLocal(id, { kind: "failed", message: reason, failureKind });
}

/** Releases the lease so the job waits for another device or a retry; the inbox says why. */
async function giveBack(context: JobRunContext, client: RelayClient, id: string, lease: string, reason: "cancelled" | "failed", message: string | null): Promise<void> {
  if (reason === "failed") log.warn(`job ${id} failed on this device: ${message ?? "unknown error"}`);
  try {
    await client.release(id, lease);
  } catch (error) {
    // Not released: the lease runs out by itself and the relay offers the job again.
    log.debug(`releasing job ${id} failed`, describeError(error));
  }
  context.setLocal(id, { kind: "released", reason, message });
}

/**
 * When this page takes a Telegram job: while automatic mode is on, the browser is linked, the page
 * has a transcriber that is not busy with a file of the user's, nothing else runs here and the relay
 * was not just unreachable, it takes the oldest waiting job; the user can also take one by hand.
 * Each job is then run by {@link runJob} (claim, lease, audio, transcriber, text: job-run.ts).
 */
import type { RelayClient } from "../relay/client";
import type { JobSummary } from "../relay/protocol";
import { isWorking, nextJobToTake, type InboxAction } from "./inbox";
import { BusyGate } from "./busy-gate";
import { runJob, type JobTranscriber } from "./job-run";
import type { PageLanguages } from "./job-languages";
import type { TelegramJobsOptions, TelegramJobsSnapshot } from "./jobs-snapshot";

/** What a {@link JobScheduler} reads from and tells the runner that owns it. */
export interface JobSchedulerHost {
  snapshot(): TelegramJobsSnapshot;
  /** The linked client now (null while not linked). */
  client(): RelayClient | null;
  /** Marks the job this page works on (null when done). */
  setCurrentJob(id: string | null): void;
  dispatch(action: InboxAction): void;
  disposed(): boolean;
}

/** The options the scheduler uses: its clock, the retry delay, the finished-job callback and the browser's languages. */
export type JobSchedulerOptions = Pick<TelegramJobsOptions, "now" | "retryDelayMs" | "onFinished" | "browserLanguages">;

/** Use one per runner; call {@link pump} whenever something that decides it may have changed. */
export class JobScheduler {
  private readonly host: JobSchedulerHost;
  private readonly options: JobSchedulerOptions;
  private readonly now: () => number;
  private transcriber: JobTranscriber | null = null;
  private unsubscribeTranscriber: (() => void) | null = null;
  private readonly gate = new BusyGate();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pausedUntil = 0;

  constructor(host: JobSchedulerHost, options: JobSchedulerOptions) {
    this.host = host;
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Gives the scheduler the page's transcriber (null while there is none); it follows its busy state. */
  setTranscriber(transcriber: JobTranscriber | null): void {
    if (transcriber === this.transcriber) return;
    this.unsubscribeTranscriber?.();
    this.unsubscribeTranscriber = null;
    this.transcriber = transcriber;
    if (transcriber !== null) this.unsubscribeTranscriber = transcriber.subscribe(() => this.setBusy(transcriber.isBusy()));
    this.setBusy(transcriber?.isBusy() ?? false);
    this.pump();
  }

  /** Runs job `id` now if it waits and nothing else runs here (automatic mode need not be on). */
  takeJob(id: string): void {
    const snapshot = this.host.snapshot();
    if (snapshot.currentJobId !== null || this.transcriber === null || this.gate.isBusy) return;
    const entry = snapshot.inbox.entries.find((candidate) => candidate.job.id === id);
    if (entry === undefined || entry.job.state !== "pending" || isWorking(entry.local)) return;
    void this.run(entry.job);
  }

  /** Takes the oldest waiting job when automatic mode and everything else allow it. */
  pump(): void {
    const snapshot = this.host.snapshot();
    if (this.host.disposed() || !snapshot.auto || snapshot.link.kind !== "linked" || this.transcriber === null || this.gate.isBusy || snapshot.currentJobId !== null) return;
    if (this.now() < this.pausedUntil) return;
    const job = nextJobToTake(snapshot.inbox, this.now());
    if (job !== null) void this.run(job);
  }

  /** Stops following the transcriber, drops the retry timer and wakes a run waiting for the page. */
  dispose(): void {
    this.unsubscribeTranscriber?.();
    this.unsubscribeTranscriber = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.gate.wakeAll();
  }

  private setBusy(busy: boolean): void {
    if (this.gate.set(busy) && !busy) this.pump();
  }

  private pauseAutomatic(): void {
    const delay = this.options.retryDelayMs ?? 5000;
    this.pausedUntil = this.now() + delay;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, delay);
  }

  /** The linked user's Telegram language (for jobs from a relay that does not send one) and the browser's. */
  private languages(): PageLanguages {
    const link = this.host.snapshot().link;
    return { telegram: link.kind === "linked" ? link.user.languageCode : null, browser: this.options.browserLanguages?.() ?? [] };
  }

  private waitUntilIdle(): Promise<void> {
    return this.host.disposed() ? Promise.resolve() : this.gate.whenIdle();
  }

  private async run(summary: JobSummary): Promise<void> {
    const client = this.host.client();
    if (client === null) return;
    this.host.setCurrentJob(summary.id);
    try {
      await runJob(
        {
          client,
          setLocal: (id, local) => this.host.dispatch({ type: "local", id, local }),
          transcriber: () => this.transcriber,
          isTranscribing: (id) => this.host.snapshot().inbox.entries.some((entry) => entry.job.id === id && entry.local.kind === "transcribing"),
          waitUntilIdle: () => this.waitUntilIdle(),
          pauseAutomatic: () => this.pauseAutomatic(),
          disposed: () => this.host.disposed(),
          languages: () => this.languages(),
          onFinished: this.options.onFinished,
        },
        summary,
      );
    } finally {
      this.host.setCurrentJob(null);
      this.pump();
    }
  }
}

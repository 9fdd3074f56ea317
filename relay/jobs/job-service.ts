/**
 * The relay's core: turns job input into stored jobs and status messages, hands jobs to sessions
 * under leases, streams their audio, records results once, and tells the chat — exactly once — how
 * each job ended. The bot and the HTTP API are thin layers over this class; a sweeper calls
 * {@link JobService.sweep} to expire leases and jobs and to redeliver results a crash left unsent.
 * Making a job is `job-intake.ts`'s, holding one under a lease `job-leases.ts`'s, telling the chat
 * `job-delivery.ts`'s and the sweep `job-sweeper.ts`'s; this class wires them and forwards.
 */
import type { ClaimResponse, JobSummary } from "../../lib/relay/protocol";
import { BotDisabledError, ConflictError, NotFoundError } from "../errors";
import type { EventFeed } from "../events/event-feed";
import type { Finish, RelayStore } from "../ports/relay-store";
import type { JobInput } from "../telegram/message-to-job";
import { appButtonFor, subtitlesOf, type SubtitlesOutcome } from "./job-messages";
import { toJobSummary } from "./job-summary";
import { JobSweeper } from "./job-sweeper";
import { JobDelivery } from "./job-delivery";
import { JobIntake, type SubmitOutcome } from "./job-intake";
import { JobLeases, type AudioStream } from "./job-leases";
import type { Presence } from "../ports/presence";
import type { ChatButton, ChatGateway } from "../ports/chat-gateway";

/** The caller of a session API: which Telegram user, which session. */
export interface SessionActor {
  readonly userId: number;
  /** Stable per session, not secret (derived from the token hash). */
  readonly sessionId: string;
}

/** What the service needs. */
export interface JobServiceOptions {
  readonly store: RelayStore;
  readonly feed: EventFeed;
  /** Whether a user has a session online on any relay (chooses the status message). */
  readonly presence: Presence;
  /** Null when the relay runs without the bot. */
  readonly gateway: ChatGateway | null;
  readonly publicUrl: string | null;
  readonly leaseSeconds: number;
  readonly jobExpirySeconds: number;
  readonly jobsPerMinute: number;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** See the module comment. */
export class JobService {
  private readonly store: RelayStore;
  private readonly feed: EventFeed;
  private readonly presence: Presence;
  private readonly gateway: ChatGateway | null;
  private readonly publicUrl: string | null;
  private readonly expirySeconds: number;
  private readonly now: () => number;
  private readonly sweeper: JobSweeper;
  private readonly delivery: JobDelivery | null;
  private readonly intake: JobIntake;
  private readonly leases: JobLeases;

  constructor(options: JobServiceOptions) {
    this.store = options.store;
    this.feed = options.feed;
    this.presence = options.presence;
    this.gateway = options.gateway;
    this.publicUrl = options.publicUrl;
    this.expirySeconds = options.jobExpirySeconds;
    this.now = options.now ?? Date.now;
    this.delivery =
      this.gateway === null
        ? null
        : new JobDelivery({
            store: this.store,
            presence: this.presence,
            gateway: this.gateway,
            publicUrl: this.publicUrl,
            expirySeconds: this.expirySeconds,
            now: this.now,
            onDeliveryFailed: (job) => this.feed.gone(job, job.state === "done" || job.state === "failed" ? job.state : "expired"),
          });
    const delivery = this.delivery;
    this.sweeper = new JobSweeper({
      store: this.store,
      feed: this.feed,
      deliver: delivery === null ? null : (jobId) => delivery.deliver(jobId),
      returned: delivery === null ? null : (job) => delivery.showWaiting(job),
      remind: delivery === null ? null : (job) => delivery.remind(job),
      expirySeconds: this.expirySeconds,
      now: this.now,
    });
    const requireGateway = (): ChatGateway => this.requireGateway();
    this.intake = new JobIntake({
      store: this.store,
      feed: this.feed,
      presence: this.presence,
      requireGateway,
      appButton: (chatId) => this.appButton(chatId),
      expirySeconds: this.expirySeconds,
      jobsPerMinute: options.jobsPerMinute,
      now: this.now,
      newId: options.newId,
    });
    this.leases = new JobLeases({ store: this.store, feed: this.feed, delivery: this.delivery, requireGateway, leaseSeconds: options.leaseSeconds, now: this.now });
  }

  /** The button that opens the app: a Mini App button in private chats, a link in groups; none without an https URL. */
  appButton(chatId: number): ChatButton | null {
    return appButtonFor(this.publicUrl, chatId);
  }

  // -------------------------------------------------------------------------------------------
  // From the bot

  /**
   * Makes a job of `input` for `ownerId`: stores it, replies with a status message ("transcribing on
   * your device…" when a session is online, otherwise "open the app"), then offers it to sessions.
   * The same Telegram message twice (a redelivered update, two people asking) yields one job.
   */
  submit(input: JobInput, ownerId: number): Promise<SubmitOutcome> {
    return this.intake.submit(input, ownerId);
  }

  /** The SRT file for the job behind a chat message (the voice message or the status message). */
  async subtitlesFor(chatId: number, messageId: number): Promise<SubtitlesOutcome> {
    const job = await this.store.findJobByMessage(chatId, messageId);
    if (job === null) return { kind: "none" };
    return subtitlesOf(job);
  }

  /** The SRT file of a job by id (the button under a transcript). */
  async subtitlesById(jobId: string): Promise<SubtitlesOutcome> {
    const job = await this.store.getJob(jobId);
    return job === null ? { kind: "none" } : subtitlesOf(job);
  }

  /** The Retry button: a failed or expired job goes back to the queue. Only its owner may. */
  async retry(jobId: string, userId: number): Promise<"requeued" | "not-yours" | "not-requeueable"> {
    const current = await this.store.getJob(jobId);
    if (current === null) return "not-requeueable";
    if (current.ownerId !== userId) return "not-yours";
    const job = await this.store.requeueJob(jobId, this.now() + this.expirySeconds * 1000);
    if (job === null) return "not-requeueable";
    // The status message shows the outcome now, so it always changes back.
    if (this.delivery !== null) await this.delivery.showStatus({ ...job, statusKind: null }, await this.presence.isOnline(job.ownerId));
    await this.feed.job(job);
    return "requeued";
  }

  // -------------------------------------------------------------------------------------------
  // From browser sessions

  /** The user's open jobs, oldest first. */
  async listOpen(actor: SessionActor): Promise<JobSummary[]> {
    const now = this.now();
    return (await this.store.listOpenJobs(actor.userId)).map((job) => toJobSummary(job, now));
  }

  /** Claims a job for this session: 404 when not the user's, 409 when another session holds it or it is finished (see `job-leases.ts`). */
  claim(actor: SessionActor, jobId: string): Promise<ClaimResponse> {
    return this.leases.claim(actor, jobId);
  }

  /** Extends the lease; 409 when it was lost to another session. */
  heartbeat(actor: SessionActor, jobId: string, lease: string): Promise<{ expiresAt: string }> {
    return this.leases.heartbeat(actor, jobId, lease);
  }

  /** Gives the job back to the queue (the tab is closing, or the user cancelled). */
  release(actor: SessionActor, jobId: string, lease: string): Promise<boolean> {
    return this.leases.release(actor, jobId, lease);
  }

  /** Opens the job's audio from Telegram for the lease holder. The caller pipes `body` to the browser. */
  openAudio(actor: SessionActor, jobId: string, lease: string, signal: AbortSignal): Promise<AudioStream> {
    return this.leases.openAudio(actor, jobId, lease, signal);
  }

  /**
   * Records the browser's outcome once and tells the chat. A repeat of the same post answers
   * `duplicate` and changes nothing; a post under a lease that another session took over gets 409.
   */
  async finish(actor: SessionActor, jobId: string, lease: string, finish: Finish): Promise<"accepted" | "duplicate"> {
    const outcome = await this.store.finishJob(jobId, actor.userId, lease, finish, this.now());
    switch (outcome.kind) {
      case "not-found":
        throw new NotFoundError("no such job");
      case "conflict":
        throw new ConflictError(
          outcome.job.state === "claimed" || outcome.job.state === "pending"
            ? "another session holds this job now"
            : `this job is already ${outcome.job.state}`,
        );
      case "duplicate":
        return "duplicate";
      case "finished":
        break;
    }
    await this.feed.gone(outcome.job, finish.kind === "done" ? "done" : "failed");
    await this.deliver(outcome.job.id);
    return "accepted";
  }

  /** Shows a finished job's outcome in the chat once (see `job-delivery.ts`); a no-op without the bot. */
  async deliver(jobId: string): Promise<void> {
    await this.delivery?.deliver(jobId);
  }

  // -------------------------------------------------------------------------------------------
  // Housekeeping

  /**
   * One sweep (see `job-sweeper.ts`): lapsed leases, expiries, half-created jobs, redelivery and
   * pruning. Safe to call often; overlapping calls are skipped.
   */
  sweep(): Promise<void> {
    return this.sweeper.sweep();
  }

  /** Jobs not yet finished, for /healthz. */
  pendingCount(): Promise<number> {
    return this.store.countOpenJobs();
  }

  private requireGateway(): ChatGateway {
    if (this.gateway === null) throw new BotDisabledError();
    return this.gateway;
  }
}

/**
 * The relay's core: turns job input into stored jobs and status messages, hands jobs to sessions
 * under leases, streams their audio, records results once, and tells the chat — exactly once — how
 * each job ended. The bot and the HTTP API are thin layers over this class; a sweeper calls
 * {@link JobService.sweep} to expire leases and jobs and to redeliver results a crash left unsent.
 */
import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import { createLogger } from "../../lib/logger";
import { describeError } from "../../lib/errors";
import type { ClaimResponse, JobSummary } from "../../lib/relay/protocol";
import { newLeaseToken } from "../auth/secrets";
import { BotDisabledError, ConflictError, NotFoundError } from "../errors";
import type { EventFeed } from "../events/event-feed";
import type { Finish, JobRecord, RelayStore } from "../ports/relay-store";
import type { JobInput } from "../telegram/message-to-job";
import { texts } from "../texts";
import { RateLimiter } from "../rate-limiter";
import { appButtonFor, subtitlesOf, waitingMessage, type SubtitlesOutcome } from "./job-messages";
import { publicState, toJobSummary } from "./job-summary";
import { JobSweeper } from "./job-sweeper";
import { JobDelivery } from "./job-delivery";
import type { Presence } from "../ports/presence";
import type { ChatButton, ChatGateway } from "../ports/chat-gateway";

const log = createLogger("relay:jobs");

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

/** Answer of {@link JobService.submit}. */
export type SubmitOutcome =
  | { readonly kind: "queued"; readonly job: JobRecord }
  | { readonly kind: "duplicate"; readonly job: JobRecord }
  | { readonly kind: "rate-limited"; readonly retryAfterSeconds: number };

/** An audio stream ready to send to the browser. */
export interface AudioStream {
  /** Writes the audio to `destination` with backpressure and ends it; rejects on a failure of either side. */
  pipeTo(destination: Writable): Promise<void>;
  /** Drops the download unread. */
  cancel(): void;
  readonly contentType: string;
  readonly contentLength: number | null;
}

/** See the module comment. */
export class JobService {
  private readonly store: RelayStore;
  private readonly feed: EventFeed;
  private readonly presence: Presence;
  private readonly gateway: ChatGateway | null;
  private readonly publicUrl: string | null;
  private readonly leaseMs: number;
  private readonly expirySeconds: number;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly jobLimiter: RateLimiter;
  private readonly sweeper: JobSweeper;
  private readonly delivery: JobDelivery | null;

  constructor(options: JobServiceOptions) {
    this.store = options.store;
    this.feed = options.feed;
    this.presence = options.presence;
    this.gateway = options.gateway;
    this.publicUrl = options.publicUrl;
    this.leaseMs = options.leaseSeconds * 1000;
    this.expirySeconds = options.jobExpirySeconds;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.jobLimiter = new RateLimiter(options.jobsPerMinute, 60_000);
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
  async submit(input: JobInput, ownerId: number): Promise<SubmitOutcome> {
    const gateway = this.requireGateway();
    const now = this.now();
    const existing = await this.store.findJobByMessage(input.chatId, input.messageId);
    if (existing !== null && existing.sourceMessageId === input.messageId) return { kind: "duplicate", job: existing };
    const decision = this.jobLimiter.take(String(ownerId), now);
    if (!decision.ok) return { kind: "rate-limited", retryAfterSeconds: decision.retryAfterSeconds };

    const settings = await this.store.getChatSettings(input.chatId);
    const inserted = await this.store.insertJob({
      id: this.newId(),
      ownerId,
      chatId: input.chatId,
      sourceMessageId: input.messageId,
      media: input.media,
      languageHint: settings.languageHint,
      createdAt: now,
      expiresAt: now + this.expirySeconds * 1000,
    });
    if (!inserted.created) return { kind: "duplicate", job: inserted.job };

    const online = await this.presence.isOnline(ownerId);
    let statusMessageId: number | null = null;
    try {
      statusMessageId = await gateway.send(input.chatId, input.messageId, online ? { text: texts.statusWorking } : waitingMessage(this.appButton(input.chatId), this.expirySeconds));
    } catch (error) {
      // The job still counts: the transcript will be sent as a new reply instead of an edit.
      log.warn(`could not send the status message for job ${inserted.job.id}: ${describeError(error)}`);
    }
    const job = (await this.store.activateJob(inserted.job.id, statusMessageId, online ? "working" : "waiting")) ?? inserted.job;
    await this.feed.job(job);
    log.info(`job ${job.id} queued (${job.media.kind}, ${job.media.size ?? "?"} bytes) for user ${ownerId}`);
    return { kind: "queued", job };
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

  /** Claims a job for this session: 404 when not the user's, 409 when another session holds it or it is finished. */
  async claim(actor: SessionActor, jobId: string): Promise<ClaimResponse> {
    const now = this.now();
    const outcome = await this.store.claimJob(jobId, actor.userId, { token: newLeaseToken(), sessionId: actor.sessionId, expiresAt: now + this.leaseMs }, now);
    switch (outcome.kind) {
      case "not-found":
        throw new NotFoundError("no such job");
      case "taken":
        throw new ConflictError("another session is transcribing this job");
      case "finished":
        throw new ConflictError(`this job is already ${outcome.job.state}`);
      case "claimed":
        break;
    }
    const job = outcome.job;
    const lease = job.lease;
    if (lease === null) throw new ConflictError("the claim did not stick; try again");
    await this.delivery?.showStatus(job, true);
    await this.feed.job(job);
    return { lease: lease.token, expiresAt: new Date(lease.expiresAt).toISOString(), leaseSeconds: this.leaseMs / 1000, job: toJobSummary(job, now) };
  }

  /** Extends the lease; 409 when it was lost to another session. */
  async heartbeat(actor: SessionActor, jobId: string, lease: string): Promise<{ expiresAt: string }> {
    const job = await this.store.renewLease(jobId, actor.userId, lease, this.now() + this.leaseMs);
    if (job === null) throw await this.leaseProblem(actor, jobId);
    return { expiresAt: new Date(job.lease?.expiresAt ?? this.now()).toISOString() };
  }

  /** Gives the job back to the queue (the tab is closing, or the user cancelled). */
  async release(actor: SessionActor, jobId: string, lease: string): Promise<boolean> {
    const job = await this.store.releaseJob(jobId, actor.userId, lease);
    if (job === null) {
      const current = await this.store.getJob(jobId);
      if (current === null || current.ownerId !== actor.userId) throw new NotFoundError("no such job");
      return false;
    }
    await this.delivery?.showWaiting(job);
    await this.feed.job(job);
    return true;
  }

  /** Opens the job's audio from Telegram for the lease holder. The caller pipes `body` to the browser. */
  async openAudio(actor: SessionActor, jobId: string, lease: string, signal: AbortSignal): Promise<AudioStream> {
    const gateway = this.requireGateway();
    const job = await this.store.getJob(jobId);
    if (job === null || job.ownerId !== actor.userId) throw new NotFoundError("no such job");
    if (publicState(job, this.now()) !== "claimed" || job.lease?.token !== lease) {
      throw new ConflictError("this lease does not hold the job; claim it first");
    }
    const file = await gateway.openFile(job.media.fileId, signal);
    return {
      pipeTo: (destination) => file.pipeTo(destination),
      cancel: () => file.cancel(),
      contentType: job.media.mime ?? "application/octet-stream",
      contentLength: file.contentLength ?? job.media.size,
    };
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

  private async leaseProblem(actor: SessionActor, jobId: string): Promise<Error> {
    const job = await this.store.getJob(jobId);
    if (job === null || job.ownerId !== actor.userId) return new NotFoundError("no such job");
    return new ConflictError(job.state === "done" || job.state === "failed" || job.state === "expired" ? `this job is already ${job.state}` : "this lease no longer holds the job");
  }
}

/**
 * The relay's core: turns job input into stored jobs and status messages, hands jobs to sessions
 * under leases, streams their audio, records results once, and tells the chat — exactly once — how
 * each job ended. The bot and the HTTP API are thin layers over this class; a sweeper calls
 * {@link JobService.sweep} to expire leases and jobs and to redeliver results a crash left unsent.
 * Its parts live beside it: leases (`job-leases.ts`), chat delivery (`job-delivery.ts`), sweeps.
 */
import { randomUUID } from "node:crypto";
import { createLogger } from "../../lib/logger";
import { describeError } from "../../lib/errors";
import type { ClaimResponse, JobSummary } from "../../lib/relay/protocol";
import { BotDisabledError, ConflictError, NotFoundError } from "../errors";
import type { EventFeed } from "../events/event-feed";
import type { Finish, JobRecord, RelayStore } from "../ports/relay-store";
import type { JobInput } from "../telegram/message-to-job";
import { textsForLanguage } from "../i18n/bot-texts";
import { RateLimiter } from "../rate-limiter";
import { appButtonFor, subtitlesOf, waitingMessage, type SubtitlesOutcome } from "./job-messages";
import { toJobSummary } from "./job-summary";
import { failureKindOf } from "./job-failure-kind";
import { retryHelps } from "../../lib/relay/failure-kinds";
import { JobLeases, type AudioStream, type SessionActor } from "./job-leases";
import { JobSweeper } from "./job-sweeper";
import { JobDelivery } from "./job-delivery";
import { JobLiveText } from "./job-live-text";
import type { PaceIntervals } from "../telegram/chat-pacer";
import type { Presence } from "../ports/presence";
import type { ChatButton, ChatGateway } from "../ports/chat-gateway";

const log = createLogger("relay:jobs");

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
  /** See `RelayConfig.deliveryLockMs`; 30 s when not given. */
  readonly deliveryLockMs?: number;
  /** Least time between two live-text edits per chat (see `job-live-text.ts`); tests shorten it. */
  readonly liveTextPace?: PaceIntervals;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** Answer of {@link JobService.submit}. */
export type SubmitOutcome =
  | { readonly kind: "queued"; readonly job: JobRecord }
  | { readonly kind: "duplicate"; readonly job: JobRecord }
  | { readonly kind: "rate-limited"; readonly retryAfterSeconds: number };

/** See the module comment. */
export class JobService {
  private readonly store: RelayStore;
  private readonly feed: EventFeed;
  private readonly presence: Presence;
  private readonly gateway: ChatGateway | null;
  private readonly publicUrl: string | null;
  private readonly expirySeconds: number;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly jobLimiter: RateLimiter;
  private readonly sweeper: JobSweeper;
  private readonly delivery: JobDelivery | null;
  private readonly leases: JobLeases;
  /** Null without the bot. */
  readonly liveText: JobLiveText | null;

  constructor(options: JobServiceOptions) {
    this.store = options.store;
    this.feed = options.feed;
    this.presence = options.presence;
    this.gateway = options.gateway;
    this.publicUrl = options.publicUrl;
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
            ...(options.deliveryLockMs === undefined ? {} : { lockMs: options.deliveryLockMs }),
            now: this.now,
            onDeliveryFailed: (job) => this.feed.gone(job, job.state === "done" || job.state === "failed" ? job.state : "expired"),
          });
    const delivery = this.delivery;
    this.liveText = this.gateway === null ? null : new JobLiveText({ store: this.store, gateway: this.gateway, now: this.now, ...(options.liveTextPace === undefined ? {} : { pace: options.liveTextPace }) });
    this.leases = new JobLeases({ store: this.store, feed: this.feed, gateway: this.gateway, delivery, leaseMs: options.leaseSeconds * 1000, now: this.now, liveText: this.liveText });
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
  appButton(chatId: number, languageCode: string | null = null): ChatButton | null {
    return appButtonFor(this.publicUrl, chatId, textsForLanguage(languageCode));
  }

  // -------------------------------------------------------------------------------------------
  // From the bot

  /**
   * Makes a job of `input` for `ownerId`: stores it, replies with a status message ("transcribing on
   * your device…" when a session is online, otherwise "open the app"), then offers it to sessions.
   * The same Telegram message twice (a redelivered update, two people asking) yields one job. The
   * chat is told about it in `ownerLocale` (a bot locale, e.g. "ru"; null: English), kept with the job.
   * `ownerLanguageCode` is the owner's Telegram `language_code` as sent (checked with `languageTag`),
   * kept too and handed to browsers with the job as the language to prefer when detection is unsure.
   */
  async submit(input: JobInput, ownerId: number, ownerLocale: string | null = null, ownerLanguageCode: string | null = null): Promise<SubmitOutcome> {
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
      ...(ownerLocale === null ? {} : { ownerLocale }),
      ...(ownerLanguageCode === null ? {} : { ownerLanguageCode }),
    });
    if (!inserted.created) return { kind: "duplicate", job: inserted.job };

    const online = await this.presence.isOnline(ownerId);
    let statusMessageId: number | null = null;
    try {
      statusMessageId = await gateway.send(input.chatId, input.messageId, online ? { text: textsForLanguage(ownerLocale).statusWorking } : waitingMessage(this.appButton(input.chatId, ownerLocale), this.expirySeconds, textsForLanguage(ownerLocale)));
    } catch (error) {
      // The job still counts: the transcript will be sent as a new reply instead of an edit.
      log.warn(`could not send the status message for job ${inserted.job.id}: ${describeError(error)}`);
    }
    const job = (await this.store.activateJob(inserted.job.id, statusMessageId, online ? "working" : "waiting")) ?? inserted.job;
    await this.feed.job(job);
    log.info(`job ${job.id} queued (${job.media.kind}, ${job.media.size ?? "?"} bytes) for user ${ownerId}`);
    await this.delivery?.react(job, "queued");
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

  /**
   * Retry, from the chat's button or the app's inbox; only the owner may, and only where retrying can
   * help (`retryHelps` of the job's failure kind: not for a file that is not audio, empty or too
   * large). A failed or expired job goes back to the queue (`requeued`); one whose outcome Telegram
   * would not take is shown again, resuming its parts (`resent`).
   */
  async retry(jobId: string, userId: number): Promise<"requeued" | "resent" | "not-yours" | "not-requeueable"> {
    const current = await this.store.getJob(jobId);
    if (current === null) return "not-requeueable";
    if (current.ownerId !== userId) return "not-yours";
    const kind = failureKindOf(current);
    if (kind === null || !retryHelps(kind)) return "not-requeueable";
    if (kind === "delivery-failed") return this.resend(jobId);
    const job = await this.store.requeueJob(jobId, this.now() + this.expirySeconds * 1000);
    if (job === null) return "not-requeueable";
    // The status message shows the outcome now, so it always changes back.
    if (this.delivery !== null) await this.delivery.showStatus({ ...job, statusKind: null }, await this.presence.isOnline(job.ownerId));
    await this.feed.job(job);
    await this.delivery?.react(job, "queued");
    return "requeued";
  }

  private async resend(jobId: string): Promise<"resent" | "not-requeueable"> {
    const job = await this.store.redeliver(jobId);
    if (job === null || (job.state !== "done" && job.state !== "failed" && job.state !== "expired")) return "not-requeueable";
    await this.deliver(jobId);
    // The inbox learns the delivery is no longer failed (or, should it fail again, it is told again).
    const after = (await this.store.getJob(jobId)) ?? job;
    if (!after.deliveryFailed) await this.feed.gone(after, job.state);
    return "resent";
  }

  // -------------------------------------------------------------------------------------------
  // From browser sessions

  /** The user's open jobs, oldest first. */
  async listOpen(actor: SessionActor): Promise<JobSummary[]> {
    const now = this.now();
    return (await this.store.listOpenJobs(actor.userId)).map((job) => toJobSummary(job, now));
  }

  /** Claims a job for this session (see `job-leases.ts`): 404 when not the user's, 409 when held or finished. */
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

  /** The text so far from the lease holder, shown in the chat as a draft (see `job-live-text.ts`); false when it cannot be. */
  progress(actor: SessionActor, jobId: string, lease: string, text: string): Promise<boolean> {
    return this.liveText?.offer(actor, jobId, lease, text) ?? Promise.resolve(false);
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
    await this.liveText?.settle(jobId);
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

/**
 * The bot side of making a job: one job per Telegram message, at most `jobsPerMinute` per user, a
 * status message in the chat ("transcribing on your device…" when a session is online, otherwise
 * "open the app"), then the job offered to the user's sessions. `JobService` owns one and forwards
 * `submit` to it; nothing else calls it.
 */
import { randomUUID } from "node:crypto";
import { createLogger } from "../../lib/logger";
import { describeError } from "../../lib/errors";
import type { EventFeed } from "../events/event-feed";
import type { ChatButton, ChatGateway } from "../ports/chat-gateway";
import type { Presence } from "../ports/presence";
import type { JobRecord, RelayStore } from "../ports/relay-store";
import type { JobInput } from "../telegram/message-to-job";
import { texts } from "../texts";
import { RateLimiter } from "../rate-limiter";
import { waitingMessage } from "./job-messages";

const log = createLogger("relay:jobs");

/** Answer of {@link JobIntake.submit} (and `JobService.submit`). */
export type SubmitOutcome =
  | { readonly kind: "queued"; readonly job: JobRecord }
  | { readonly kind: "duplicate"; readonly job: JobRecord }
  | { readonly kind: "rate-limited"; readonly retryAfterSeconds: number };

/** What {@link JobIntake} needs from the service that owns it. */
export interface JobIntakeOptions {
  readonly store: RelayStore;
  readonly feed: EventFeed;
  readonly presence: Presence;
  /** The chat; throws when the relay runs without the bot. */
  readonly requireGateway: () => ChatGateway;
  readonly appButton: (chatId: number) => ChatButton | null;
  readonly expirySeconds: number;
  readonly jobsPerMinute: number;
  readonly now: () => number;
  readonly newId?: (() => string) | undefined;
}

/** See the module comment. */
export class JobIntake {
  private readonly jobLimiter: RateLimiter;
  private readonly newId: () => string;

  constructor(private readonly options: JobIntakeOptions) {
    this.jobLimiter = new RateLimiter(options.jobsPerMinute, 60_000);
    this.newId = options.newId ?? randomUUID;
  }

  /**
   * Makes a job of `input` for `ownerId`: stores it, replies with a status message ("transcribing on
   * your device…" when a session is online, otherwise "open the app"), then offers it to sessions.
   * The same Telegram message twice (a redelivered update, two people asking) yields one job.
   */
  async submit(input: JobInput, ownerId: number): Promise<SubmitOutcome> {
    const { store, presence, feed, expirySeconds } = this.options;
    const gateway = this.options.requireGateway();
    const now = this.options.now();
    const existing = await store.findJobByMessage(input.chatId, input.messageId);
    if (existing !== null && existing.sourceMessageId === input.messageId) return { kind: "duplicate", job: existing };
    const decision = this.jobLimiter.take(String(ownerId), now);
    if (!decision.ok) return { kind: "rate-limited", retryAfterSeconds: decision.retryAfterSeconds };

    const settings = await store.getChatSettings(input.chatId);
    const inserted = await store.insertJob({
      id: this.newId(),
      ownerId,
      chatId: input.chatId,
      sourceMessageId: input.messageId,
      media: input.media,
      languageHint: settings.languageHint,
      createdAt: now,
      expiresAt: now + expirySeconds * 1000,
    });
    if (!inserted.created) return { kind: "duplicate", job: inserted.job };

    const online = await presence.isOnline(ownerId);
    let statusMessageId: number | null = null;
    try {
      statusMessageId = await gateway.send(input.chatId, input.messageId, online ? { text: texts.statusWorking } : waitingMessage(this.options.appButton(input.chatId), expirySeconds));
    } catch (error) {
      // The job still counts: the transcript will be sent as a new reply instead of an edit.
      log.warn(`could not send the status message for job ${inserted.job.id}: ${describeError(error)}`);
    }
    const job = (await store.activateJob(inserted.job.id, statusMessageId, online ? "working" : "waiting")) ?? inserted.job;
    await feed.job(job);
    log.info(`job ${job.id} queued (${job.media.kind}, ${job.media.size ?? "?"} bytes) for user ${ownerId}`);
    return { kind: "queued", job };
  }
}

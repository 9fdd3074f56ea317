/**
 * The bot/delivery side of the job service: tells the chat how each job stands. It edits the
 * status message when a job is given back or its lease lapses ("waiting for your device"), and
 * shows a finished job's outcome once, under a store lock, retrying failed attempts from the
 * sweeper. `JobService` owns one and forwards to it; nothing else calls it.
 */
import { createLogger } from "../../lib/logger";
import { describeError } from "../../lib/errors";
import type { JobRecord, RelayStore } from "../ports/relay-store";
import { ChatRateLimitError, type ChatButton, type ChatGateway, type ReactionStage } from "../ports/chat-gateway";
import type { Presence } from "../ports/presence";
import { textsForJob } from "../i18n/bot-texts";
import { appButtonFor, outcomeMessages, waitingMessage } from "./job-messages";
import { JobReactions } from "./job-reactions";

const log = createLogger("relay:jobs");

/** How long one relay may hold the right to tell the chat about a job by default (a crash mid-delivery frees it after this). */
const DELIVERY_LOCK_MS = 30_000;
/** Give up telling the chat after this many failed attempts (the result stays stored). */
export const MAX_DELIVERY_ATTEMPTS = 5;

/** What {@link JobDelivery} needs; the gateway is never null here (no bot, no delivery). */
export interface JobDeliveryOptions {
  readonly store: RelayStore;
  readonly presence: Presence;
  readonly gateway: ChatGateway;
  readonly publicUrl: string | null;
  readonly expirySeconds: number;
  /** How long the delivery lock lasts before paced calls are added; {@link DELIVERY_LOCK_MS} when not given. */
  readonly lockMs?: number;
  readonly now: () => number;
  /** Called once when telling the chat failed for good (the app's inbox is told). */
  readonly onDeliveryFailed?: (job: JobRecord) => Promise<void>;
}

/** See the module comment. */
export class JobDelivery {
  private readonly reactions: JobReactions;

  constructor(private readonly options: JobDeliveryOptions) {
    this.reactions = new JobReactions(options.gateway);
  }

  /** The reaction on the job's voice message follows its stage (see `job-reactions.ts`). */
  react(job: JobRecord, stage: ReactionStage): Promise<void> {
    return this.reactions.show(job, stage);
  }

  private appButton(job: JobRecord): ChatButton | null {
    return appButtonFor(this.options.publicUrl, job.chatId, textsForJob(job));
  }

  /**
   * Makes the status message say what the job's state now is: "transcribing" when a session holds
   * it (`working`), otherwise "open the app / waiting for your device". Edits only when it changes.
   */
  async showStatus(job: JobRecord, working: boolean): Promise<void> {
    if (job.statusMessageId === null) return;
    const kind = working ? "working" : "waiting";
    if (job.statusKind === kind || (!working && job.statusKind === "reminded")) return;
    const texts = textsForJob(job);
    const message = working ? { text: texts.statusWorking } : waitingMessage(this.appButton(job), this.options.expirySeconds, texts);
    try {
      await this.options.gateway.edit(job.chatId, job.statusMessageId, message);
      await this.options.store.setStatusKind(job.id, kind);
    } catch (error) {
      log.warn(`could not update the status of job ${job.id}: ${describeError(error)}`);
    }
  }

  /**
   * A job no device took, soon to expire: the status message says so while there is still time
   * (once per waiting spell; a claim or release changes the status again).
   */
  async remind(job: JobRecord): Promise<void> {
    if (job.statusMessageId === null || job.statusKind !== "waiting") return;
    const remaining = Math.max(0, job.expiresAt - this.options.now()) / 1000;
    const rounded = remaining >= 3600 ? Math.ceil(remaining / 3600) * 3600 : Math.max(60, Math.ceil(remaining / 60) * 60);
    const app = this.appButton(job);
    const message = { text: textsForJob(job).statusReminder(rounded), ...(app === null ? {} : { buttons: [[app]] }) };
    try {
      await this.options.gateway.edit(job.chatId, job.statusMessageId, message);
      await this.options.store.setStatusKind(job.id, "reminded");
    } catch (error) {
      log.warn(`could not remind the chat of job ${job.id}: ${describeError(error)}`);
    }
  }

  /** A job back in the queue (released, lease lapsed): the chat says it waits for a device. */
  async showWaiting(job: JobRecord): Promise<void> {
    await this.react(job, "queued");
    await this.showStatus(job, false);
  }

  /**
   * Shows a finished job's outcome in the chat, each part exactly once, under a store lock (one
   * caller at a time, across relays). Parts are made to exist first: the status message is part 0
   * (a placeholder replaces it when it is gone), and each further part is a placeholder sent in
   * order, its id recorded right after it is sent; then every part is edited to its text, which is
   * idempotent. A crash at any step resumes from the recorded parts: at worst a stray placeholder,
   * never a part twice. A 429 defers the delivery by `retry_after` without counting an attempt;
   * past {@link MAX_DELIVERY_ATTEMPTS} other failures it is marked failed, never delivered.
   */
  async deliver(jobId: string): Promise<void> {
    const { gateway, store } = this.options;
    const peek = await store.getJob(jobId);
    if (peek === null) return;
    const now = this.options.now();
    const estimate = outcomeMessages(peek, null, this.options.expirySeconds).length;
    const job = await store.lockDelivery(jobId, now, now + (this.options.lockMs ?? DELIVERY_LOCK_MS) + 2 * estimate * (gateway.paceMs?.(peek.chatId) ?? 0));
    if (job === null) return;
    try {
      const messages = outcomeMessages(job, this.appButton(job), this.options.expirySeconds);
      const parts = new Map<number, number>(Object.entries(job.deliveryParts).map(([index, id]) => [Number(index), id]));
      if (!parts.has(0) && job.statusMessageId !== null) parts.set(0, job.statusMessageId);
      for (let index = 0; index < messages.length; index += 1) {
        if (!parts.has(index)) parts.set(index, await this.placeholder(job, index, messages.length));
      }
      for (const [index, message] of messages.entries()) {
        const id = parts.get(index);
        if (id === undefined) continue;
        if ((await gateway.edit(job.chatId, id, message)) !== "missing") continue;
        // Deleted meanwhile (by the user, or the status message long ago): it exists once more.
        await gateway.edit(job.chatId, await this.placeholder(job, index, messages.length), message);
      }
      await store.markDelivered(job.id);
      await this.react(job, job.state === "done" ? "done" : job.state === "expired" ? "expired" : "failed");
      log.info(`job ${job.id} ${job.state}, shown in the chat (${messages.length} part${messages.length === 1 ? "" : "s"})`);
    } catch (error) {
      await this.failedAttempt(job, error);
    }
  }

  /** Sends the placeholder of part `index` and records it at once; returns its message id. */
  private async placeholder(job: JobRecord, index: number, count: number): Promise<number> {
    const id = await this.options.gateway.send(job.chatId, job.sourceMessageId, { text: textsForJob(job).partPlaceholder(index + 1, count) });
    await this.options.store.recordDeliveryPart(job.id, index, id);
    return id;
  }

  private async failedAttempt(job: JobRecord, error: unknown): Promise<void> {
    const { store } = this.options;
    if (error instanceof ChatRateLimitError) {
      log.warn(`the chat asks to wait ${error.retryAfterSeconds} s before telling it about job ${job.id}`);
      await store.postponeDelivery(job.id, this.options.now() + error.retryAfterSeconds * 1000);
      return;
    }
    if (job.deliveryAttempts >= MAX_DELIVERY_ATTEMPTS) {
      log.error(`giving up telling the chat about job ${job.id} after ${job.deliveryAttempts} attempts`, error);
      await store.markDeliveryFailed(job.id);
      const failed = await store.getJob(job.id);
      if (failed !== null) await this.options.onDeliveryFailed?.(failed);
      return;
    }
    const backoffMs = Math.min(60_000, 1000 * 2 ** (job.deliveryAttempts - 1));
    log.warn(`could not tell the chat about job ${job.id} (attempt ${job.deliveryAttempts}, next in ${backoffMs / 1000} s): ${describeError(error)}`);
    await store.deferDelivery(job.id, this.options.now() + backoffMs);
  }
}

/**
 * The bot/delivery side of the job service: tells the chat how each job stands. It edits the
 * status message when a job is given back or its lease lapses ("waiting for your device"), and
 * shows a finished job's outcome once, under a store lock, retrying failed attempts from the
 * sweeper. `JobService` owns one and forwards to it; nothing else calls it.
 */
import { createLogger } from "../../lib/logger";
import { describeError } from "../../lib/errors";
import type { JobRecord, RelayStore } from "../ports/relay-store";
import type { ChatButton, ChatGateway } from "../ports/chat-gateway";
import type { Presence } from "../ports/presence";
import { texts } from "../texts";
import { appButtonFor, outcomeMessages, waitingMessage } from "./job-messages";

const log = createLogger("relay:jobs");

/** How long one relay may hold the right to tell the chat about a job (a crash mid-delivery frees it after this). */
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
  readonly now: () => number;
}

/** See the module comment. */
export class JobDelivery {
  constructor(private readonly options: JobDeliveryOptions) {}

  private appButton(chatId: number): ChatButton | null {
    return appButtonFor(this.options.publicUrl, chatId);
  }

  /**
   * Makes the status message say what the job's state now is: "transcribing" when a session holds
   * it (`working`), otherwise "open the app / waiting for your device". Edits only when it changes.
   */
  async showStatus(job: JobRecord, working: boolean): Promise<void> {
    if (job.statusMessageId === null) return;
    const kind = working ? "working" : "waiting";
    if (job.statusKind === kind) return;
    const message = working ? { text: texts.statusWorking } : waitingMessage(this.appButton(job.chatId), this.options.expirySeconds);
    try {
      await this.options.gateway.edit(job.chatId, job.statusMessageId, message);
      await this.options.store.setStatusKind(job.id, kind);
    } catch (error) {
      log.warn(`could not update the status of job ${job.id}: ${describeError(error)}`);
    }
  }

  /** A job back in the queue (released, lease lapsed): the chat says it waits for a device. */
  async showWaiting(job: JobRecord): Promise<void> {
    await this.showStatus(job, false);
  }

  /**
   * Shows a finished job's outcome in the chat: edits the status message (or replies anew when it
   * is gone), sends overflow parts of long transcripts, then marks the job delivered. A store lock
   * makes sure only one caller does this; failures are retried by the sweeper.
   */
  async deliver(jobId: string): Promise<void> {
    const { gateway, store } = this.options;
    const now = this.options.now();
    const job = await store.lockDelivery(jobId, now, now + DELIVERY_LOCK_MS);
    if (job === null) return;
    try {
      const [first, ...rest] = outcomeMessages(job, this.appButton(job.chatId), this.options.expirySeconds);
      if (first !== undefined) {
        const edited = job.statusMessageId === null ? "missing" : await gateway.edit(job.chatId, job.statusMessageId, first);
        if (edited === "missing") await gateway.send(job.chatId, job.sourceMessageId, first);
      }
      for (const part of rest) await gateway.send(job.chatId, job.sourceMessageId, part);
      await store.markDelivered(job.id);
      log.info(`job ${job.id} ${job.state}, shown in the chat`);
    } catch (error) {
      if (job.deliveryAttempts >= MAX_DELIVERY_ATTEMPTS) {
        log.error(`giving up telling the chat about job ${job.id} after ${job.deliveryAttempts} attempts`, error);
        await store.markDelivered(job.id);
      } else {
        const backoffMs = Math.min(60_000, 1000 * 2 ** (job.deliveryAttempts - 1));
        log.warn(`could not tell the chat about job ${job.id} (attempt ${job.deliveryAttempts}, next in ${backoffMs / 1000} s): ${describeError(error)}`);
        await store.deferDelivery(job.id, this.options.now() + backoffMs);
      }
    }
  }
}

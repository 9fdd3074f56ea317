/**
 * Status at a glance: a reaction on the voice message that follows its job (queued → working →
 * done, failed or expired), next to the status text, which stays the full account. Best effort: a
 * chat that does not allow the bot's reactions is remembered and never asked again (per relay
 * process; after a restart it costs one refused call per chat), and nothing here ever fails a job.
 */
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import { ChatRateLimitError, type ChatGateway, type ReactionStage } from "../ports/chat-gateway";
import type { JobRecord } from "../ports/relay-store";

const log = createLogger("relay:jobs");

/** Chats remembered as refusing reactions, at most; past it the memory starts again. */
const MAX_REMEMBERED_CHATS = 10_000;

/** See the module comment. `JobDelivery` owns one. */
export class JobReactions {
  private readonly refusing = new Set<number>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly gateway: ChatGateway) {}

  /** True once `chatId` refused a reaction. */
  refuses(chatId: number): boolean {
    return this.refusing.has(chatId);
  }

  /**
   * Sets the reaction of `stage` on the job's voice message, where the chat allows it. Calls for
   * one job go out one after another, in the order asked, so a late "queued" never lands after
   * "working".
   */
  show(job: Pick<JobRecord, "id" | "chatId" | "sourceMessageId">, stage: ReactionStage): Promise<void> {
    const previous = this.inFlight.get(job.id) ?? Promise.resolve();
    const next = previous.then(() => this.set(job, stage));
    this.inFlight.set(job.id, next);
    void next.finally(() => {
      if (this.inFlight.get(job.id) === next) this.inFlight.delete(job.id);
    });
    return next;
  }

  private async set(job: Pick<JobRecord, "id" | "chatId" | "sourceMessageId">, stage: ReactionStage): Promise<void> {
    const react = this.gateway.react?.bind(this.gateway);
    if (react === undefined || this.refusing.has(job.chatId)) return;
    try {
      const outcome = await react(job.chatId, job.sourceMessageId, stage);
      if (outcome !== "not-allowed") return;
      if (this.refusing.size >= MAX_REMEMBERED_CHATS) this.refusing.clear();
      this.refusing.add(job.chatId);
      log.info(`chat ${job.chatId} does not allow reactions; its jobs show their status as text only`);
    } catch (error) {
      // A 429 or a network error: the next stage tries again; the text status says it all anyway.
      const level = error instanceof ChatRateLimitError ? "debug" : "warn";
      log[level](`could not react to the voice message of job ${job.id}: ${describeError(error)}`);
    }
  }
}

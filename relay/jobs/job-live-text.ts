/**
 * Live text: while a device transcribes, the job's status message shows the text so far, marked as
 * a draft, until the final delivery edits it into the transcript. Edits are throttled per chat
 * (all jobs of a chat share one cadence, {@link LIVE_TEXT_PACE}), on top of the gateway's own
 * per-chat pacing, so live text stays well inside Telegram's limits and leaves room for the
 * chat's other messages. Only the newest text is kept: posts that arrive between two edits
 * replace each other, and the last one is shown when its turn comes.
 *
 * Best effort and per relay: pending drafts live in this process only. Before the final outcome
 * or a release, {@link JobLiveText.settle} cancels a pending draft and waits for one in flight,
 * so a draft never lands over the transcript; each draft also checks, just before it is sent,
 * that the lease that posted it still holds the job.
 */
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import { ConflictError, NotFoundError } from "../errors";
import { ChatRateLimitError, type ChatGateway } from "../ports/chat-gateway";
import type { RelayStore } from "../ports/relay-store";
import type { PaceIntervals } from "../telegram/chat-pacer";
import { textsForJob, type BotTexts } from "../i18n/bot-texts";
import type { SessionActor } from "./job-leases";

const log = createLogger("relay:jobs");

/**
 * Least time between two draft edits in one chat: 3 s in private chats (20 edits a minute, a third
 * of Telegram's one message a second), 6 s in groups (10 a minute, half of a group's 20).
 */
export const LIVE_TEXT_PACE: PaceIntervals = { privateMs: 3000, groupMs: 6000 };

/** Drafts kept at most; past it the oldest is dropped (its job just shows no more live text). */
const MAX_DRAFTS = 10_000;

/** What {@link JobLiveText} needs. */
export interface JobLiveTextOptions {
  readonly store: RelayStore;
  readonly gateway: ChatGateway;
  readonly pace?: PaceIntervals;
  readonly now?: () => number;
}

interface Draft {
  readonly texts: BotTexts;
  readonly chatId: number;
  readonly messageId: number;
  lease: string;
  text: string;
  shown: string | null;
  timer: ReturnType<typeof setTimeout> | null;
  inFlight: Promise<void> | null;
}

/** See the module comment. `JobService` owns one when the relay runs with the bot. */
export class JobLiveText {
  private readonly store: RelayStore;
  private readonly gateway: ChatGateway;
  private readonly pace: PaceIntervals;
  private readonly now: () => number;
  private readonly drafts = new Map<string, Draft>();
  /** When each chat may get its next draft edit. */
  private readonly nextSlot = new Map<number, number>();
  /** Draft edits sent per chat, for tests and measurements. */
  readonly editsByChat = new Map<number, number>();

  constructor(options: JobLiveTextOptions) {
    this.store = options.store;
    this.gateway = options.gateway;
    this.pace = options.pace ?? LIVE_TEXT_PACE;
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes the text so far of a job from the session holding its lease (404 when not the user's, 409
   * when the lease does not hold it). Answers false when the chat cannot show it (no status message).
   */
  async offer(actor: SessionActor, jobId: string, lease: string, text: string): Promise<boolean> {
    const job = await this.store.getJob(jobId);
    if (job === null || job.ownerId !== actor.userId) throw new NotFoundError("no such job");
    if (job.state !== "claimed" || job.lease?.token !== lease || job.lease.expiresAt <= this.now()) {
      throw new ConflictError("this lease does not hold the job; claim it first");
    }
    if (job.statusMessageId === null) return false;
    const trimmed = text.trim();
    if (trimmed.length === 0) return true;
    let draft = this.drafts.get(jobId);
    if (draft === undefined) {
      draft = { texts: textsForJob(job), chatId: job.chatId, messageId: job.statusMessageId, lease, text: trimmed, shown: null, timer: null, inFlight: null };
      this.remember(jobId, draft);
    }
    draft.lease = lease;
    draft.text = trimmed;
    this.schedule(jobId, draft);
    return true;
  }

  /** The job is finishing or going back to the queue: no draft after this resolves. */
  async settle(jobId: string): Promise<void> {
    const draft = this.drafts.get(jobId);
    if (draft === undefined) return;
    this.drafts.delete(jobId);
    if (draft.timer !== null) clearTimeout(draft.timer);
    draft.timer = null;
    await draft.inFlight;
  }

  private remember(jobId: string, draft: Draft): void {
    if (this.drafts.size >= MAX_DRAFTS) {
      const oldest = this.drafts.keys().next();
      if (oldest.done !== true) void this.settle(oldest.value);
    }
    this.drafts.set(jobId, draft);
  }

  private intervalFor(chatId: number): number {
    return chatId < 0 ? this.pace.groupMs : this.pace.privateMs;
  }

  /** Books the chat's next draft slot for this job, unless one is booked or an edit is on its way. */
  private schedule(jobId: string, draft: Draft): void {
    if (draft.timer !== null || draft.inFlight !== null || draft.text === draft.shown) return;
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(draft.chatId) ?? 0);
    this.nextSlot.set(draft.chatId, slot + this.intervalFor(draft.chatId));
    if (this.nextSlot.size > MAX_DRAFTS) for (const [chatId, at] of this.nextSlot) if (at <= now) this.nextSlot.delete(chatId);
    draft.timer = setTimeout(() => this.flush(jobId, draft), slot - now);
    draft.timer.unref?.();
  }

  private flush(jobId: string, draft: Draft): void {
    draft.timer = null;
    if (this.drafts.get(jobId) !== draft || draft.text === draft.shown) return;
    const text = draft.text;
    draft.inFlight = this.edit(jobId, draft, text).finally(() => {
      draft.inFlight = null;
      // The next draft in this chat waits a full interval after Telegram answered this one, even if it went out late.
      this.nextSlot.set(draft.chatId, Math.max(this.nextSlot.get(draft.chatId) ?? 0, this.now() + this.intervalFor(draft.chatId)));
      if (this.drafts.get(jobId) === draft) this.schedule(jobId, draft);
    });
  }

  private async edit(jobId: string, draft: Draft, text: string): Promise<void> {
    try {
      const job = await this.store.getJob(jobId);
      if (job === null || job.state !== "claimed" || job.lease?.token !== draft.lease) {
        if (this.drafts.get(jobId) === draft) this.drafts.delete(jobId);
        return;
      }
      const outcome = await this.gateway.edit(draft.chatId, draft.messageId, { text: draft.texts.liveDraft(text) });
      draft.shown = text;
      this.editsByChat.set(draft.chatId, (this.editsByChat.get(draft.chatId) ?? 0) + 1);
      if (outcome === "missing" && this.drafts.get(jobId) === draft) this.drafts.delete(jobId);
    } catch (error) {
      if (error instanceof ChatRateLimitError) {
        this.nextSlot.set(draft.chatId, Math.max(this.nextSlot.get(draft.chatId) ?? 0, this.now() + error.retryAfterSeconds * 1000));
        log.debug(`live text of job ${jobId} waits ${error.retryAfterSeconds} s`);
        return;
      }
      log.warn(`could not show the live text of job ${jobId}: ${describeError(error)}`);
    }
  }
}

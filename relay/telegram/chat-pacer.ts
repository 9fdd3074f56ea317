/**
 * Spaces the bot's messages per chat the way Telegram asks: about one message a second in a chat,
 * twenty a minute in a group. The gateway waits its turn here before every send and edit, so a
 * long transcript goes out steadily instead of earning 429s.
 */

/** Least time between two messages to the same chat, by kind of chat (groups have negative ids). */
export interface PaceIntervals {
  readonly privateMs: number;
  readonly groupMs: number;
}

/** Telegram's published limits. */
export const TELEGRAM_PACE: PaceIntervals = { privateMs: 1000, groupMs: 3000 };

/** What the pacer needs; tests pass a clock and a sleep that advances it. */
export interface ChatPacerOptions {
  readonly intervals?: PaceIntervals;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** See the module comment. One per gateway; chats are independent of each other. */
export class ChatPacer {
  private readonly intervals: PaceIntervals;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** When each chat may next be written to. */
  private readonly nextSlot = new Map<number, number>();

  constructor(options: ChatPacerOptions = {}) {
    this.intervals = options.intervals ?? TELEGRAM_PACE;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** The least time between two messages to `chatId`. */
  intervalFor(chatId: number): number {
    return chatId < 0 ? this.intervals.groupMs : this.intervals.privateMs;
  }

  /** Resolves when a message to `chatId` may go out, and books that slot. */
  async turn(chatId: number): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(chatId) ?? 0);
    this.nextSlot.set(chatId, slot + this.intervalFor(chatId));
    if (this.nextSlot.size > 10_000) this.forgetIdle(now);
    if (slot > now) await this.sleep(slot - now);
  }

  /** Pushes the chat's next slot back to `until` (after a 429 from the platform). */
  holdUntil(chatId: number, until: number): void {
    this.nextSlot.set(chatId, Math.max(until, this.nextSlot.get(chatId) ?? 0));
  }

  private forgetIdle(now: number): void {
    for (const [chatId, slot] of this.nextSlot) if (slot <= now) this.nextSlot.delete(chatId);
  }
}

/**
 * Long polling by exactly one relay. Telegram hands each update to one `getUpdates` caller, and two
 * pollers fight (409 Conflict), so when several relays share Redis only the holder of a leader
 * lease polls; the others stand by and take over within about one lease time after the leader
 * dies, or at once when it shuts down and releases the lease. Updates the old leader fetched but
 * did not confirm are fetched again by the new one; the store makes a repeated update one job.
 *
 * One relay alone uses {@link ALWAYS_LEADER}, so the same loop also restarts polling after an error.
 */
import type { Update } from "grammy/types";
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import type { LeaderLease } from "../ports/leader-lease";

const log = createLogger("relay:bot");

/** The lease of a relay that runs alone: always held. */
export const ALWAYS_LEADER: LeaderLease = {
  hold: async () => true,
  release: async () => undefined,
  leaseMs: 3000,
};

/** Longest pause before polling again after it failed (bad token, network, a conflict). */
const MAX_RETRY_MS = 60_000;

/** Kinds of update the bot asks Telegram for. */
export type UpdateKind = Exclude<keyof Update, "update_id">;

/** What polling needs of the bot; grammY's `Bot` has it. */
export interface PollingBot {
  /** Polls until stopped; rejects when polling fails for good (bad token, a conflict). */
  start(options: { allowed_updates: UpdateKind[]; onStart: (info: { readonly username: string }) => void }): Promise<void>;
  /** Stops polling (and confirms the updates handled so far). */
  stop(): Promise<void>;
  isRunning(): boolean;
}

/** Options of {@link PollingLeader}. */
export interface PollingLeaderOptions {
  readonly bot: PollingBot;
  readonly lease: LeaderLease;
  readonly allowedUpdates: readonly UpdateKind[];
  readonly now?: () => number;
}

/** See the module comment. */
export class PollingLeader {
  private readonly bot: PollingBot;
  private readonly lease: LeaderLease;
  private readonly allowedUpdates: readonly UpdateKind[];
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling: Promise<void> | null = null;
  private ticking = false;
  private stopped = false;
  /** Until when our last successful hold is certainly valid. */
  private heldUntil = 0;
  private failures = 0;
  private notBefore = 0;
  private leading = false;

  constructor(options: PollingLeaderOptions) {
    this.bot = options.bot;
    this.lease = options.lease;
    this.allowedUpdates = options.allowedUpdates;
    this.now = options.now ?? Date.now;
  }

  /** True while this relay polls. */
  get isPolling(): boolean {
    return this.polling !== null;
  }

  /** Starts competing for the lease (and polling while it is held). */
  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.lease.leaseMs / 3)));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const asked = this.now();
      let held: boolean;
      try {
        held = await this.lease.hold();
        if (held) this.heldUntil = asked + this.lease.leaseMs;
      } catch (error) {
        // Cannot tell: keep polling only while the last hold is surely still ours.
        held = this.now() < this.heldUntil - this.lease.leaseMs / 3;
        if (this.polling !== null) log.warn(`could not renew the polling lease: ${describeError(error)}`);
      }
      if (this.stopped) return;
      if (held !== this.leading) {
        this.leading = held;
        if (this.lease !== ALWAYS_LEADER) log.info(held ? "this relay now leads: it polls Telegram for updates" : "this relay stands by: another one polls");
      }
      if (held && this.polling === null && this.now() >= this.notBefore) this.beginPolling();
      else if (!held && this.polling !== null) await this.endPolling();
    } finally {
      this.ticking = false;
    }
  }

  private beginPolling(): void {
    const run = this.bot
      .start({
        allowed_updates: [...this.allowedUpdates],
        onStart: (info) => {
          this.failures = 0;
          log.info(`bot @${info.username} is polling for updates`);
        },
      })
      .catch((error: unknown) => {
        this.failures += 1;
        const wait = Math.min(MAX_RETRY_MS, 1000 * 2 ** (this.failures - 1));
        this.notBefore = this.now() + wait;
        log.error(`polling stopped: ${describeError(error)}; trying again in ${Math.round(wait / 1000)} s`);
      })
      .finally(() => {
        if (this.polling === run) this.polling = null;
      });
    this.polling = run;
  }

  private async endPolling(): Promise<void> {
    const running = this.polling;
    if (this.bot.isRunning()) await this.bot.stop().catch((error: unknown) => log.warn(`stopping the bot: ${describeError(error)}`));
    await running;
  }

  /** Stops polling and gives up the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.endPolling();
    await this.lease.release().catch((error: unknown) => log.warn(`could not release the polling lease: ${describeError(error)}`));
  }
}

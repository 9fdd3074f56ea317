/**
 * The housekeeping pass the relay runs every `RELAY_SWEEP_INTERVAL_MS`: offers jobs whose lease
 * lapsed again, expires old jobs (telling the chat), offers jobs a crash left half-created,
 * redelivers undelivered outcomes, and prunes old events. With several relays every one sweeps;
 * the store moves each job once.
 */
import { createLogger } from "../../lib/logger";
import { StoreUnavailableError } from "../errors";
import type { EventFeed } from "../events/event-feed";
import type { JobRecord, RelayStore } from "../ports/relay-store";

const log = createLogger("relay:jobs");

/** A job whose status message was never recorded (crash right after insert) is offered after this. */
const STALE_NEW_JOB_MS = 30_000;
/** A job nobody took is recalled in its chat when this fraction of its time to expiry is left. */
export const REMIND_AT_FRACTION_LEFT = 0.25;
/** Prune old events and link codes at most this often. */
const PRUNE_INTERVAL_MS = 60_000;

/** What a sweep needs; `deliver` is null when the relay runs without a bot. */
export interface JobSweeperOptions {
  readonly store: RelayStore;
  readonly feed: EventFeed;
  readonly deliver: ((jobId: string) => Promise<void>) | null;
  /** Tells the chat that a job whose lease lapsed waits for a device again; null without a bot. */
  readonly returned: ((job: JobRecord) => Promise<void>) | null;
  /** Tells the chat that a job nobody took expires soon; null without a bot. */
  readonly remind: ((job: JobRecord) => Promise<void>) | null;
  readonly expirySeconds: number;
  readonly now: () => number;
}

/** Owned by `JobService`, which calls {@link JobSweeper.sweep} from its own `sweep`. */
export class JobSweeper {
  private sweeping = false;
  /** The store was unreachable at the last sweep: say so once, not every second. */
  private sweepBlocked = false;
  private lastPrune = 0;

  constructor(private readonly options: JobSweeperOptions) {}

  /**
   * One sweep: offers jobs whose lease lapsed again, expires old jobs (telling the chat), offers
   * jobs a crash left half-created, redelivers undelivered outcomes, and prunes old events.
   * Safe to call often; overlapping calls are skipped.
   */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = this.options.now();
      for (const job of await this.options.store.activateStaleJobs(now - STALE_NEW_JOB_MS)) await this.options.feed.job(job);
      for (const job of await this.options.store.expireLeases(now)) {
        log.info(`lease of job ${job.id} expired; offering it again`);
        await this.options.returned?.(job);
        await this.options.feed.job(job);
      }
      const remind = this.options.remind;
      if (remind !== null) {
        for (const job of await this.options.store.listJobsToRemind(now + this.options.expirySeconds * 1000 * REMIND_AT_FRACTION_LEFT)) {
          if (job.expiresAt > now) await remind(job);
        }
      }
      const expired = await this.options.store.expireJobs(now);
      for (const job of expired) await this.options.feed.gone(job, "expired");
      const deliver = this.options.deliver;
      if (deliver !== null) for (const id of await this.options.store.listUndeliveredIds(now)) await deliver(id);
      if (now - this.lastPrune >= PRUNE_INTERVAL_MS) {
        this.lastPrune = now;
        await this.options.store.prune(now - this.options.expirySeconds * 1000 - 3_600_000, now);
      }
      if (this.sweepBlocked) log.info("the store answers again; sweeping resumed");
      this.sweepBlocked = false;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) log.error("sweep failed", error);
      else if (!this.sweepBlocked) log.warn(`sweep skipped until the store answers again: ${error.message}`);
      this.sweepBlocked = error instanceof StoreUnavailableError;
    } finally {
      this.sweeping = false;
    }
  }

}

/**
 * Publishes job events: each is appended to the owner's durable event log (so a reconnecting
 * session can replay what it missed by `Last-Event-ID`) and pushed to the owner's open streams, on
 * whichever relay they are held (see {@link EventBus}).
 */
import { RELAY_EVENT_NAMES, type JobGoneData, type JobGoneReason } from "../../lib/relay/protocol";
import { createLogger } from "../../lib/logger";
import { toJobSummary } from "../jobs/job-summary";
import { failureKindOf } from "../jobs/job-failure-kind";
import type { JobRecord } from "../ports/relay-store";
import type { EventBus } from "../ports/event-bus";

const log = createLogger("relay:events");

/** Writes and fans out `job` and `job-gone` events. */
export class EventFeed {
  constructor(
    private readonly bus: EventBus,
    private readonly now: () => number,
  ) {}

  /** Announces a job or its new state. Never throws: a lost event is repaired by the next snapshot. */
  async job(job: JobRecord): Promise<void> {
    await this.append(job.ownerId, RELAY_EVENT_NAMES.job, JSON.stringify(toJobSummary(job, this.now())));
  }

  /**
   * Tells the owner's sessions the job is finished and can be forgotten, with the failure's reason;
   * sent again with `deliveryFailed` when the chat could not be told, so the app's inbox shows it.
   * `failureKind` lets the inbox offer Retry exactly where the chat does.
   */
  async gone(job: JobRecord, reason: JobGoneReason): Promise<void> {
    const failureKind = failureKindOf(job);
    const data: JobGoneData = {
      id: job.id,
      reason,
      ...(reason === "failed" && job.failureMessage !== null ? { message: job.failureMessage } : {}),
      ...(job.deliveryFailed ? { deliveryFailed: true } : {}),
      ...(failureKind === null ? {} : { failureKind }),
    };
    await this.append(job.ownerId, RELAY_EVENT_NAMES.jobGone, JSON.stringify(data));
  }

  private async append(ownerId: number, name: string, data: string): Promise<void> {
    try {
      await this.bus.emit(ownerId, name, data, this.now());
    } catch (error) {
      log.error(`could not publish ${name} for user ${ownerId}`, error);
    }
  }
}

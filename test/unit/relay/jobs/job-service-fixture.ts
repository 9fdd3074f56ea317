/** The in-memory JobService the job tests drive: a SQLite store in memory, one hub, a fake chat. */
import { afterEach, beforeEach } from "vitest";
import { LocalEventBus } from "../../../../relay/events/event-bus";
import { EventFeed } from "../../../../relay/events/event-feed";
import { LocalPresence } from "../../../../relay/events/presence";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService } from "../../../../relay/jobs/job-service";
import { openSqliteStore, type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import type { SessionActor } from "../../../../relay/jobs/job-leases";
import type { SseMessage } from "../../../../relay/ports/local-streams";
import { FakeGateway, input } from "./fake-gateway";

export interface JobServiceFixture {
  readonly store: SqliteStore;
  readonly hub: SessionHub;
  readonly gateway: FakeGateway;
  readonly jobs: JobService;
}

/** A fresh service on `clock` (lease 60 s, expiry 600 s, an https app URL so buttons appear). */
export function jobServiceFixture(clock: () => number): JobServiceFixture {
  const store = openSqliteStore(":memory:");
  const hub = new SessionHub();
  const gateway = new FakeGateway();
  const jobs = new JobService({
    store,
    feed: new EventFeed(new LocalEventBus(store, hub), clock),
    presence: new LocalPresence(hub),
    gateway,
    publicUrl: "https://app.example.org",
    leaseSeconds: 60,
    jobExpirySeconds: 600,
    jobsPerMinute: 100,
    now: clock,
  });
  return { store, hub, gateway, jobs };
}

/** What {@link useJobService} gives a test file: the current test's service, its clock and what its sessions heard. */
export interface JobServiceHarness extends JobServiceFixture {
  /** The service's clock, in ms; tests move it forward. */
  now: number;
  /** The events delivered to the sessions a test added to the hub with `deliver: (m) => events.push(m)`. */
  readonly events: SseMessage[];
  /** The session that claims jobs: user 7, session "s1". */
  readonly actor: SessionActor;
  /** Submits voice message `messageId` for user 7 and returns the queued job's id. */
  queued(messageId?: number): Promise<string>;
}

/**
 * Registers, for every test of the calling `describe`, a fresh {@link jobServiceFixture} on a clock
 * at 1 000 000 ms with no events heard (its store closed afterwards); the returned object always
 * reads the current test's.
 */
export function useJobService(): JobServiceHarness {
  let fixture: JobServiceFixture | null = null;
  const events: SseMessage[] = [];
  const current = (): JobServiceFixture => {
    if (fixture === null) throw new Error("the job service exists only inside a test");
    return fixture;
  };
  const harness: JobServiceHarness = {
    now: 1_000_000,
    events,
    actor: { userId: 7, sessionId: "s1" },
    get store() {
      return current().store;
    },
    get hub() {
      return current().hub;
    },
    get gateway() {
      return current().gateway;
    },
    get jobs() {
      return current().jobs;
    },
    async queued(messageId = 1) {
      const outcome = await current().jobs.submit(input(messageId), 7);
      if (outcome.kind !== "queued") throw new Error(outcome.kind);
      return outcome.job.id;
    },
  };
  beforeEach(() => {
    harness.now = 1_000_000;
    events.length = 0;
    fixture = jobServiceFixture(() => harness.now);
  });
  afterEach(async () => {
    await fixture?.store.close();
    fixture = null;
  });
  return harness;
}

/** The in-memory JobService the job tests drive: a SQLite store in memory, one hub, a fake chat. */
import { LocalEventBus } from "../../../../relay/events/event-bus";
import { EventFeed } from "../../../../relay/events/event-feed";
import { LocalPresence } from "../../../../relay/events/presence";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService } from "../../../../relay/jobs/job-service";
import { openSqliteStore, type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { FakeGateway } from "./fake-gateway";

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

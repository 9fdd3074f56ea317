import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalEventBus } from "../../../../relay/events/event-bus";
import { EventFeed } from "../../../../relay/events/event-feed";
import { LocalPresence } from "../../../../relay/events/presence";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService, type SessionActor } from "../../../../relay/jobs/job-service";
import { openSqliteStore, type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { FakeGateway, input } from "./fake-gateway";

describe("JobDelivery (through JobService)", () => {
  let now = 1_000_000;
  let store: SqliteStore;
  let hub: SessionHub;
  let gateway: FakeGateway;
  let jobs: JobService;
  const actor: SessionActor = { userId: 7, sessionId: "s1" };

  beforeEach(() => {
    now = 1_000_000;
    store = openSqliteStore(":memory:");
    hub = new SessionHub();
    gateway = new FakeGateway();
    jobs = new JobService({
      store,
      feed: new EventFeed(new LocalEventBus(store, hub), () => now),
      presence: new LocalPresence(hub),
      gateway,
      publicUrl: "https://app.example.org",
      leaseSeconds: 60,
      jobExpirySeconds: 600,
      jobsPerMinute: 100,
      now: () => now,
    });
  });
  afterEach(async () => {
    await store.close();
  });

  async function queued(messageId = 1): Promise<{ id: string; status: number }> {
    const outcome = await jobs.submit(input(messageId), 7);
    if (outcome.kind !== "queued" || outcome.job.statusMessageId === null) throw new Error(outcome.kind);
    return { id: outcome.job.id, status: outcome.job.statusMessageId };
  }

  /** What the chat shows for message `id` now. */
  function reads(id: number): string | undefined {
    return gateway.chat.get(id)?.text;
  }

  function buttons(id: number): string[] {
    return (gateway.chat.get(id)?.buttons ?? []).flat().map((button) => button.text);
  }

  it("the status message tells the job's true state through every state", async () => {
    const { id, status } = await queued();
    expect(reads(status)).toBe(texts.statusWaiting(600));

    let claim = await jobs.claim(actor, id);
    expect(reads(status)).toBe(texts.statusWorking);

    // Cancelled on the device: given back, the chat says it waits again.
    await jobs.release(actor, id, claim.lease);
    expect(reads(status)).toBe(texts.statusWaiting(600));

    await jobs.claim(actor, id);
    expect(reads(status)).toBe(texts.statusWorking);

    // The tab closed: the lease lapses and the sweeper gives the job back.
    now += 61_000;
    await jobs.sweep();
    expect(reads(status)).toBe(texts.statusWaiting(600));

    claim = await jobs.claim(actor, id);
    await jobs.finish(actor, id, claim.lease, { kind: "failed", message: "this file is not audio the app can read" });
    expect(reads(status)).toBe(texts.failed("this file is not audio the app can read"));
    expect(buttons(status)).toContain(texts.retry);

    expect(await jobs.retry(id, 7)).toBe("requeued");
    expect(reads(status)).toBe(texts.statusWaiting(600));

    claim = await jobs.claim(actor, id);
    expect(reads(status)).toBe(texts.statusWorking);
    await jobs.finish(actor, id, claim.lease, { kind: "done", result: { text: "hello there", segments: [], language: "en" } });
    expect(reads(status)).toBe("hello there");
    expect(buttons(status)).toEqual([texts.srtButton]);
    expect(gateway.texts("send")).toEqual([texts.statusWaiting(600)]);
  });

  it("an expired job says so in its status message, with Retry", async () => {
    const { status } = await queued(2);
    now += 601_000;
    await jobs.sweep();
    expect(reads(status)).toBe(texts.expired(600));
    expect(buttons(status)).toEqual([texts.openApp, texts.retry]);
  });
});

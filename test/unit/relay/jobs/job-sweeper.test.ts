import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService } from "../../../../relay/jobs/job-service";
import type { SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { input, type FakeGateway } from "./fake-gateway";
import { jobServiceFixture } from "./job-service-fixture";
import type { SseMessage } from "../../../../relay/ports/local-streams";
import type { SessionActor } from "../../../../relay/jobs/job-leases";

describe("JobSweeper (through JobService.sweep)", () => {
  let now = 1_000_000;
  let store: SqliteStore;
  let hub: SessionHub;
  let gateway: FakeGateway;
  let jobs: JobService;
  const events: SseMessage[] = [];
  const actor: SessionActor = { userId: 7, sessionId: "s1" };

  beforeEach(() => {
    now = 1_000_000;
    events.length = 0;
    ({ store, hub, gateway, jobs } = jobServiceFixture(() => now));
  });
  afterEach(async () => {
    await store.close();
  });

  async function queued(messageId = 1): Promise<string> {
    const outcome = await jobs.submit(input(messageId), 7);
    if (outcome.kind !== "queued") throw new Error(outcome.kind);
    return outcome.job.id;
  }

  it("re-offers a job whose lease ran out and tells the sessions", async () => {
    const id = await queued();
    await jobs.claim(actor, id);
    hub.add(7, { sessionId: "s2", deliver: (m) => events.push(m), close: () => undefined });
    now += 61_000;
    await jobs.sweep();
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ id, state: "pending" });
    await expect(jobs.claim({ userId: 7, sessionId: "s2" }, id)).resolves.toMatchObject({ job: { state: "claimed" } });
  });

  it("expires jobs nobody took and tells the chat once", async () => {
    const id = await queued();
    hub.add(7, { sessionId: "s2", deliver: (m) => events.push(m), close: () => undefined });
    now += 601_000;
    await jobs.sweep();
    await jobs.sweep();
    expect(gateway.texts("edit")).toEqual([texts.expired(600)]);
    expect(events.map((e) => e.name)).toEqual(["job-gone"]);
    expect(JSON.parse(events[0]?.data ?? "{}")).toEqual({ id, reason: "expired", failureKind: "expired" });
  });
});

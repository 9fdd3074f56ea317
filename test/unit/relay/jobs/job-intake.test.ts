import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService } from "../../../../relay/jobs/job-service";
import type { SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { input, type FakeGateway } from "./fake-gateway";
import { jobServiceFixture } from "./job-service-fixture";
import type { SseMessage } from "../../../../relay/ports/local-streams";

describe("JobIntake (through JobService.submit)", () => {
  let now = 1_000_000;
  let store: SqliteStore;
  let hub: SessionHub;
  let gateway: FakeGateway;
  let jobs: JobService;
  const events: SseMessage[] = [];

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

  it("announces jobs to the owner's open streams", async () => {
    hub.add(7, { sessionId: "s1", deliver: (m) => events.push(m), close: () => undefined });
    const id = await queued();
    expect(events).toHaveLength(1);
    expect(events[0]?.name).toBe("job");
    expect(JSON.parse(events[0]?.data ?? "{}")).toMatchObject({ id, state: "pending", kind: "voice" });
    expect(gateway.texts("send")).toEqual([texts.statusWorking]);
  });

  it("makes one job per chat message", async () => {
    await queued(5);
    expect((await jobs.submit(input(5), 7)).kind).toBe("duplicate");
  });
});

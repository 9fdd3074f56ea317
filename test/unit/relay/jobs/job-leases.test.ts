import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JobService } from "../../../../relay/jobs/job-service";
import type { SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { input, type FakeGateway } from "./fake-gateway";
import { jobServiceFixture } from "./job-service-fixture";
import type { SessionActor } from "../../../../relay/jobs/job-leases";

describe("JobService leases", () => {
  let now = 1_000_000;
  let store: SqliteStore;
  let gateway: FakeGateway;
  let jobs: JobService;
  const actor: SessionActor = { userId: 7, sessionId: "s1" };

  beforeEach(() => {
    now = 1_000_000;
    ({ store, gateway, jobs } = jobServiceFixture(() => now));
  });
  afterEach(async () => {
    await store.close();
  });

  async function queued(messageId = 1): Promise<string> {
    const outcome = await jobs.submit(input(messageId), 7);
    if (outcome.kind !== "queued") throw new Error(outcome.kind);
    return outcome.job.id;
  }

  it("on claim, turns an 'open the app' status into 'transcribing'", async () => {
    const id = await queued();
    expect(gateway.texts("send")).toEqual([texts.statusWaiting(600)]);
    await jobs.claim(actor, id);
    expect(gateway.texts("edit")).toEqual([texts.statusWorking]);
    expect((await store.getJob(id))?.statusKind).toBe("working");
  });

  it("guards the session API: other users' jobs are 404, held jobs 409, stale leases 409", async () => {
    const id = await queued();
    await expect(jobs.claim({ userId: 8, sessionId: "x" }, id)).rejects.toMatchObject({ status: 404 });
    const claim = await jobs.claim(actor, id);
    await expect(jobs.claim({ userId: 7, sessionId: "s2" }, id)).rejects.toMatchObject({ status: 409 });
    await expect(jobs.openAudio(actor, id, "wrong", new AbortController().signal)).rejects.toMatchObject({ status: 409 });
    await expect(jobs.heartbeat(actor, id, "wrong")).rejects.toMatchObject({ status: 409 });
    await expect(jobs.openAudio({ userId: 8, sessionId: "x" }, id, claim.lease, new AbortController().signal)).rejects.toMatchObject({ status: 404 });
    const audio = await jobs.openAudio(actor, id, claim.lease, new AbortController().signal);
    expect(audio).toMatchObject({ contentType: "audio/ogg", contentLength: 5 });
    expect(await jobs.release(actor, id, claim.lease)).toBe(true);
    await expect(jobs.openAudio(actor, id, claim.lease, new AbortController().signal)).rejects.toMatchObject({ status: 409 });
  });
});

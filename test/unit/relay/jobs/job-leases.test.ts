import { describe, expect, it } from "vitest";
import { texts } from "../../../../relay/texts";
import { useJobService } from "./job-service-fixture";

describe("JobService leases", () => {
  const h = useJobService();

  it("on claim, turns an 'open the app' status into 'transcribing'", async () => {
    const id = await h.queued();
    expect(h.gateway.texts("send")).toEqual([texts.statusWaiting(600)]);
    await h.jobs.claim(h.actor, id);
    expect(h.gateway.texts("edit")).toEqual([texts.statusWorking]);
    expect((await h.store.getJob(id))?.statusKind).toBe("working");
  });

  it("guards the session API: other users' jobs are 404, held jobs 409, stale leases 409", async () => {
    const id = await h.queued();
    await expect(h.jobs.claim({ userId: 8, sessionId: "x" }, id)).rejects.toMatchObject({ status: 404 });
    const claim = await h.jobs.claim(h.actor, id);
    await expect(h.jobs.claim({ userId: 7, sessionId: "s2" }, id)).rejects.toMatchObject({ status: 409 });
    await expect(h.jobs.openAudio(h.actor, id, "wrong", new AbortController().signal)).rejects.toMatchObject({ status: 409 });
    await expect(h.jobs.heartbeat(h.actor, id, "wrong")).rejects.toMatchObject({ status: 409 });
    await expect(h.jobs.openAudio({ userId: 8, sessionId: "x" }, id, claim.lease, new AbortController().signal)).rejects.toMatchObject({ status: 404 });
    const audio = await h.jobs.openAudio(h.actor, id, claim.lease, new AbortController().signal);
    expect(audio).toMatchObject({ contentType: "audio/ogg", contentLength: 5 });
    expect(await h.jobs.release(h.actor, id, claim.lease)).toBe(true);
    await expect(h.jobs.openAudio(h.actor, id, claim.lease, new AbortController().signal)).rejects.toMatchObject({ status: 409 });
  });
});

import { describe, expect, it } from "vitest";
import { texts } from "../../../../relay/texts";
import { useJobService } from "./job-service-fixture";

describe("JobSweeper (through JobService.sweep)", () => {
  const h = useJobService();

  it("re-offers a job whose lease ran out and tells the sessions", async () => {
    const id = await h.queued();
    await h.jobs.claim(h.actor, id);
    h.hub.add(7, { sessionId: "s2", deliver: (m) => h.events.push(m), close: () => undefined });
    h.now += 61_000;
    await h.jobs.sweep();
    expect(JSON.parse(h.events.at(-1)?.data ?? "{}")).toMatchObject({ id, state: "pending" });
    await expect(h.jobs.claim({ userId: 7, sessionId: "s2" }, id)).resolves.toMatchObject({ job: { state: "claimed" } });
  });

  it("expires jobs nobody took and tells the chat once", async () => {
    const id = await h.queued();
    h.hub.add(7, { sessionId: "s2", deliver: (m) => h.events.push(m), close: () => undefined });
    h.now += 601_000;
    await h.jobs.sweep();
    await h.jobs.sweep();
    expect(h.gateway.texts("edit")).toEqual([texts.expired(600)]);
    expect(h.events.map((e) => e.name)).toEqual(["job-gone"]);
    expect(JSON.parse(h.events[0]?.data ?? "{}")).toEqual({ id, reason: "expired", failureKind: "expired" });
  });
});

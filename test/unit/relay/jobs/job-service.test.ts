import { describe, expect, it } from "vitest";
import { texts } from "../../../../relay/texts";
import { input } from "./fake-gateway";
import { useJobService } from "./job-service-fixture";

describe("JobService", () => {
  const h = useJobService();

  it("announces jobs to the owner's open streams", async () => {
    h.hub.add(7, { sessionId: "s1", deliver: (m) => h.events.push(m), close: () => undefined });
    const id = await h.queued();
    expect(h.events).toHaveLength(1);
    expect(h.events[0]?.name).toBe("job");
    expect(JSON.parse(h.events[0]?.data ?? "{}")).toMatchObject({ id, state: "pending", kind: "voice" });
    expect(h.gateway.texts("send")).toEqual([texts.statusWorking]);
  });

  it("splits long transcripts: the first part edits the status, the rest are replies", async () => {
    const id = await h.queued();
    const claim = await h.jobs.claim(h.actor, id);
    const long = `${"a".repeat(4000)}\n\n${"b".repeat(4000)}\n\n${"c".repeat(100)}`;
    expect(await h.jobs.finish(h.actor, id, claim.lease, { kind: "done", result: { text: long, segments: [], language: null } })).toBe("accepted");
    // Placeholders for the further parts first, then every part is edited in.
    expect(h.gateway.texts("send").slice(1)).toEqual([texts.partPlaceholder(2, 3), texts.partPlaceholder(3, 3)]);
    expect(h.gateway.texts("edit").slice(1)).toEqual(["a".repeat(4000), "b".repeat(4000), "c".repeat(100)]);
    expect([...h.gateway.chat.values()].map((message) => message.text)).toEqual(["a".repeat(4000), "b".repeat(4000), "c".repeat(100)]);
    expect((await h.store.getJob(id))?.delivered).toBe(true);
  });

  it("replies anew when the status message is gone", async () => {
    const id = await h.queued();
    const job = await h.store.getJob(id);
    h.gateway.missing.add(job?.statusMessageId ?? 0);
    const claim = await h.jobs.claim(h.actor, id);
    await h.jobs.finish(h.actor, id, claim.lease, { kind: "done", result: { text: "hi", segments: [], language: null } });
    expect(h.gateway.texts("send").at(-1)).toBe(texts.partPlaceholder(1, 1));
    expect(h.gateway.texts("edit").at(-1)).toBe("hi");
  });

  it("reports a browser failure to the chat with a Retry button", async () => {
    const id = await h.queued();
    const claim = await h.jobs.claim(h.actor, id);
    await h.jobs.finish(h.actor, id, claim.lease, { kind: "failed", message: "WebGPU device lost" });
    const last = h.gateway.log.at(-1)?.message;
    expect(typeof last === "object" && last.text).toBe(texts.failed("WebGPU device lost"));
    expect(typeof last === "object" && last.buttons?.[0]?.[0]).toEqual({ kind: "callback", text: texts.retry, data: `retry:${id}` });
  });

  it("retries a failed chat edit on a later sweep, and edits only once", async () => {
    const id = await h.queued();
    const claim = await h.jobs.claim(h.actor, id);
    h.gateway.failEdits = 1;
    await h.jobs.finish(h.actor, id, claim.lease, { kind: "done", result: { text: "hello", segments: [], language: null } });
    expect(h.gateway.texts("edit")).not.toContain("hello");
    await h.jobs.sweep();
    expect(h.gateway.texts("edit")).not.toContain("hello");
    h.now += 1_000;
    await h.jobs.sweep();
    await h.jobs.sweep();
    expect(h.gateway.texts("edit").filter((text) => text === "hello")).toHaveLength(1);
  });

  it("makes one job per chat message", async () => {
    await h.queued(5);
    expect((await h.jobs.submit(input(5), 7)).kind).toBe("duplicate");
  });

  async function failedWith(failureKind: "not-audio" | "empty" | "too-large" | "memory"): Promise<string> {
    const id = await h.queued();
    const claim = await h.jobs.claim(h.actor, id);
    await h.jobs.finish(h.actor, id, claim.lease, { kind: "failed", message: "it failed", failureKind });
    return id;
  }

  it.each(["not-audio", "empty", "too-large"] as const)("does not retry a %s failure: the file itself is the problem", async (kind) => {
    const id = await failedWith(kind);
    const edits = h.gateway.log.length;
    expect(await h.jobs.retry(id, 7)).toBe("not-requeueable");
    expect((await h.store.getJob(id))?.state).toBe("failed");
    expect(h.gateway.log).toHaveLength(edits);
  });

  it("retries a failure out of memory: back in the queue, and the status message says it waits", async () => {
    const id = await failedWith("memory");
    expect(await h.jobs.retry(id, 8)).toBe("not-yours");
    expect(await h.jobs.retry(id, 7)).toBe("requeued");
    expect((await h.store.getJob(id))?.state).toBe("pending");
    expect(h.gateway.texts("edit").at(-1)).toBe(texts.statusWaiting(600));
    expect(await h.jobs.retry(id, 7)).toBe("not-requeueable");
  });

  it("resends an outcome Telegram would not take, and the inbox hears it is no longer failed", async () => {
    h.hub.add(7, { sessionId: "s1", deliver: (m) => h.events.push(m), close: () => undefined });
    const id = await h.queued();
    const claim = await h.jobs.claim(h.actor, id);
    h.gateway.failEdits = 1;
    await h.jobs.finish(h.actor, id, claim.lease, { kind: "done", result: { text: "kept", segments: [], language: null } });
    await h.store.markDeliveryFailed(id);
    expect(await h.jobs.retry(id, 7)).toBe("resent");
    const job = await h.store.getJob(id);
    expect([job?.state, job?.delivered, job?.deliveryFailed]).toEqual(["done", true, false]);
    expect(h.gateway.texts("edit").filter((text) => text === "kept")).toHaveLength(1);
    const gone = h.events.filter((event) => event.name === "job-gone").map((event) => JSON.parse(event.data));
    expect(gone.at(-1)).toEqual({ id, reason: "done" });
    expect(await h.jobs.retry(id, 7)).toBe("not-requeueable");
  });
});

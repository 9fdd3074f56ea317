import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService } from "../../../../relay/jobs/job-service";
import type { SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { input, type FakeGateway } from "./fake-gateway";
import { jobServiceFixture } from "./job-service-fixture";
import type { SseMessage } from "../../../../relay/ports/local-streams";
import type { SessionActor } from "../../../../relay/jobs/job-leases";

describe("JobService", () => {
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

  it("announces jobs to the owner's open streams", async () => {
    hub.add(7, { sessionId: "s1", deliver: (m) => events.push(m), close: () => undefined });
    const id = await queued();
    expect(events).toHaveLength(1);
    expect(events[0]?.name).toBe("job");
    expect(JSON.parse(events[0]?.data ?? "{}")).toMatchObject({ id, state: "pending", kind: "voice" });
    expect(gateway.texts("send")).toEqual([texts.statusWorking]);
  });

  it("splits long transcripts: the first part edits the status, the rest are replies", async () => {
    const id = await queued();
    const claim = await jobs.claim(actor, id);
    const long = `${"a".repeat(4000)}\n\n${"b".repeat(4000)}\n\n${"c".repeat(100)}`;
    expect(await jobs.finish(actor, id, claim.lease, { kind: "done", result: { text: long, segments: [], language: null } })).toBe("accepted");
    // Placeholders for the further parts first, then every part is edited in.
    expect(gateway.texts("send").slice(1)).toEqual([texts.partPlaceholder(2, 3), texts.partPlaceholder(3, 3)]);
    expect(gateway.texts("edit").slice(1)).toEqual(["a".repeat(4000), "b".repeat(4000), "c".repeat(100)]);
    expect([...gateway.chat.values()].map((message) => message.text)).toEqual(["a".repeat(4000), "b".repeat(4000), "c".repeat(100)]);
    expect((await store.getJob(id))?.delivered).toBe(true);
  });

  it("replies anew when the status message is gone", async () => {
    const id = await queued();
    const job = await store.getJob(id);
    gateway.missing.add(job?.statusMessageId ?? 0);
    const claim = await jobs.claim(actor, id);
    await jobs.finish(actor, id, claim.lease, { kind: "done", result: { text: "hi", segments: [], language: null } });
    expect(gateway.texts("send").at(-1)).toBe(texts.partPlaceholder(1, 1));
    expect(gateway.texts("edit").at(-1)).toBe("hi");
  });

  it("reports a browser failure to the chat with a Retry button", async () => {
    const id = await queued();
    const claim = await jobs.claim(actor, id);
    await jobs.finish(actor, id, claim.lease, { kind: "failed", message: "WebGPU device lost" });
    const last = gateway.log.at(-1)?.message;
    expect(typeof last === "object" && last.text).toBe(texts.failed("WebGPU device lost"));
    expect(typeof last === "object" && last.buttons?.[0]?.[0]).toEqual({ kind: "callback", text: texts.retry, data: `retry:${id}` });
  });

  it("retries a failed chat edit on a later sweep, and edits only once", async () => {
    const id = await queued();
    const claim = await jobs.claim(actor, id);
    gateway.failEdits = 1;
    await jobs.finish(actor, id, claim.lease, { kind: "done", result: { text: "hello", segments: [], language: null } });
    expect(gateway.texts("edit")).not.toContain("hello");
    await jobs.sweep();
    expect(gateway.texts("edit")).not.toContain("hello");
    now += 1_000;
    await jobs.sweep();
    await jobs.sweep();
    expect(gateway.texts("edit").filter((text) => text === "hello")).toHaveLength(1);
  });

  it("makes one job per chat message", async () => {
    await queued(5);
    expect((await jobs.submit(input(5), 7)).kind).toBe("duplicate");
  });

  async function failedWith(failureKind: "not-audio" | "empty" | "too-large" | "memory"): Promise<string> {
    const id = await queued();
    const claim = await jobs.claim(actor, id);
    await jobs.finish(actor, id, claim.lease, { kind: "failed", message: "it failed", failureKind });
    return id;
  }

  it.each(["not-audio", "empty", "too-large"] as const)("does not retry a %s failure: the file itself is the problem", async (kind) => {
    const id = await failedWith(kind);
    const edits = gateway.log.length;
    expect(await jobs.retry(id, 7)).toBe("not-requeueable");
    expect((await store.getJob(id))?.state).toBe("failed");
    expect(gateway.log).toHaveLength(edits);
  });

  it("retries a failure out of memory: back in the queue, and the status message says it waits", async () => {
    const id = await failedWith("memory");
    expect(await jobs.retry(id, 8)).toBe("not-yours");
    expect(await jobs.retry(id, 7)).toBe("requeued");
    expect((await store.getJob(id))?.state).toBe("pending");
    expect(gateway.texts("edit").at(-1)).toBe(texts.statusWaiting(600));
    expect(await jobs.retry(id, 7)).toBe("not-requeueable");
  });

  it("resends an outcome Telegram would not take, and the inbox hears it is no longer failed", async () => {
    hub.add(7, { sessionId: "s1", deliver: (m) => events.push(m), close: () => undefined });
    const id = await queued();
    const claim = await jobs.claim(actor, id);
    gateway.failEdits = 1;
    await jobs.finish(actor, id, claim.lease, { kind: "done", result: { text: "kept", segments: [], language: null } });
    await store.markDeliveryFailed(id);
    expect(await jobs.retry(id, 7)).toBe("resent");
    const job = await store.getJob(id);
    expect([job?.state, job?.delivered, job?.deliveryFailed]).toEqual(["done", true, false]);
    expect(gateway.texts("edit").filter((text) => text === "kept")).toHaveLength(1);
    const gone = events.filter((event) => event.name === "job-gone").map((event) => JSON.parse(event.data));
    expect(gone.at(-1)).toEqual({ id, reason: "done" });
    expect(await jobs.retry(id, 7)).toBe("not-requeueable");
  });
});

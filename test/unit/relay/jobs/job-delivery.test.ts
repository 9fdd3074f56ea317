import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService } from "../../../../relay/jobs/job-service";
import type { SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { input, type FakeGateway } from "./fake-gateway";
import { jobServiceFixture } from "./job-service-fixture";
import { ChatRateLimitError } from "../../../../relay/ports/chat-gateway";
import type { SseMessage } from "../../../../relay/ports/local-streams";
import type { SessionActor } from "../../../../relay/jobs/job-leases";

describe("JobDelivery (through JobService)", () => {
  let now = 1_000_000;
  let store: SqliteStore;
  let hub: SessionHub;
  let gateway: FakeGateway;
  let jobs: JobService;
  const actor: SessionActor = { userId: 7, sessionId: "s1" };
  const events: SseMessage[] = [];

  beforeEach(() => {
    now = 1_000_000;
    events.length = 0;
    ({ store, hub, gateway, jobs } = jobServiceFixture(() => now));
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

  it("a job no device takes is recalled in the chat before it expires, once, then expires visibly", async () => {
    const { status } = await queued(4);
    now += 400_000;
    await jobs.sweep();
    expect(reads(status)).toBe(texts.statusWaiting(600));
    // A quarter of the 600 s left: the reminder, once.
    now += 50_000;
    await jobs.sweep();
    expect(reads(status)).toBe(texts.statusReminder(180));
    expect(buttons(status)).toEqual([texts.openApp]);
    const edits = gateway.texts("edit").length;
    now += 10_000;
    await jobs.sweep();
    expect(gateway.texts("edit")).toHaveLength(edits);
    now += 200_000;
    await jobs.sweep();
    expect(reads(status)).toBe(texts.expired(600));
  });

  it("an expired job says so in its status message, with Retry", async () => {
    const { status } = await queued(2);
    now += 601_000;
    await jobs.sweep();
    expect(reads(status)).toBe(texts.expired(600));
    expect(buttons(status)).toEqual([texts.openApp, texts.retry]);
  });

  const parts = ["a".repeat(4000), "b".repeat(4000), "c".repeat(4000), "d".repeat(100)];

  /** A finished 4-part transcript; returns its status message id. */
  async function finishedLong(failCall: FakeGateway["failCall"]): Promise<{ id: string; status: number }> {
    const job = await queued(3);
    const claim = await jobs.claim(actor, job.id);
    gateway.failCall = failCall;
    await jobs.finish(actor, job.id, claim.lease, { kind: "done", result: { text: parts.join("\n\n"), segments: [], language: null } });
    return job;
  }

  /** The parts as the chat shows them now, in message order, placeholders left out. */
  function shownParts(): string[] {
    return [...gateway.chat.entries()].sort(([a], [b]) => a - b).map(([, message]) => message.text).filter((text) => /^[abcd]+$/.test(text));
  }

  async function sweepUntilDelivered(id: string, stepMs: number, rounds: number): Promise<void> {
    for (let round = 0; round < rounds && (await store.getJob(id))?.delivered !== true; round += 1) {
      now += stepMs;
      await jobs.sweep();
    }
  }

  it("a 429 on part k defers by retry_after, uncounted, and each part appears once", async () => {
    // 3 placeholders, then 4 edits.
    for (let k = 1; k <= 7; k += 1) {
      gateway.chat.clear();
      gateway.failCall = null;
      const { id } = await queued(100 + k);
      const claim = await jobs.claim(actor, id);
      let calls = 0;
      gateway.failCall = () => {
        calls += 1;
        return calls === k ? new ChatRateLimitError(3) : null;
      };
      await jobs.finish(actor, id, claim.lease, { kind: "done", result: { text: parts.join("\n\n"), segments: [], language: null } });
      const job = await store.getJob(id);
      expect(job?.delivered).toBe(false);
      expect(job?.deliveryAttempts).toBe(0);
      // Not before retry_after.
      now += 2_000;
      await jobs.sweep();
      expect((await store.getJob(id))?.delivered).toBe(false);
      now += 1_000;
      await jobs.sweep();
      expect((await store.getJob(id))?.delivered).toBe(true);
      expect(shownParts()).toEqual(parts);
    }
  });

  it("429 on every call for a minute, then recovery: delivered once, never given up", async () => {
    const { id } = await finishedLong(() => (now < 1_000_000 + 60_000 ? new ChatRateLimitError(3) : null));
    await sweepUntilDelivered(id, 3_000, 40);
    const job = await store.getJob(id);
    expect(job?.delivered).toBe(true);
    expect(job?.deliveryFailed).toBe(false);
    expect(shownParts()).toEqual(parts);
  });

  it("resumes from the recorded parts after an error mid-delivery: no part twice", async () => {
    let calls = 0;
    const { id } = await finishedLong(() => {
      calls += 1;
      return calls === 2 || calls === 6 ? new Error("Telegram is down") : null;
    });
    await sweepUntilDelivered(id, 5_000, 10);
    expect((await store.getJob(id))?.delivered).toBe(true);
    expect(shownParts()).toEqual(parts);
    expect(gateway.texts("send").filter((text) => text === texts.partPlaceholder(2, 4))).toHaveLength(1);
  });

  it("a delivery that keeps failing is marked failed, never delivered, and the app is told", async () => {
    hub.add(7, { sessionId: "s9", deliver: (m) => events.push(m), close: () => undefined });
    const { id } = await finishedLong((op) => (op === "edit" ? new Error("Bad Request: chat not found") : null));
    await sweepUntilDelivered(id, 61_000, 10);
    const job = await store.getJob(id);
    expect(job?.delivered).toBe(false);
    expect(job?.deliveryFailed).toBe(true);
    expect(await store.listUndeliveredIds(now + 1_000_000)).toEqual([]);
    // The app's inbox hears of it.
    const gone = events.filter((event) => event.name === "job-gone").map((event) => JSON.parse(event.data));
    expect(gone.at(-1)).toEqual({ id, reason: "done", deliveryFailed: true, failureKind: "delivery-failed" });
  });
});

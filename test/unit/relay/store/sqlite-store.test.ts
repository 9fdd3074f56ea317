import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../../../relay/store/sqlite-store";
import type { Finish, NewJob } from "../../../../relay/store/relay-store";

function newJob(id: string, sourceMessageId: number, ownerId = 1): NewJob {
  return {
    id,
    ownerId,
    chatId: ownerId,
    sourceMessageId,
    media: { fileId: `f-${id}`, fileUniqueId: `u-${id}`, kind: "voice", duration: 3, mime: "audio/ogg", size: 100, fileName: null },
    languageHint: null,
    createdAt: 1000,
    expiresAt: 100_000,
  };
}

const lease = (token: string, sessionId: string, expiresAt: number) => ({ token, sessionId, expiresAt });
const done: Finish = { kind: "done", result: { text: "hi", segments: [{ start: 0, end: 1, text: "hi" }], language: "en" } };

describe("SqliteStore", () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await store.insertJob(newJob("j1", 10));
    await store.activateJob("j1", 11, "waiting");
  });
  afterEach(async () => {
    await store.close();
  });

  it("keeps one job per chat message", async () => {
    const again = await store.insertJob(newJob("other", 10));
    expect(again).toMatchObject({ created: false, job: { id: "j1" } });
    expect((await store.findJobByMessage(1, 11))?.id).toBe("j1");
  });

  it("does not offer new jobs before their status message is recorded", async () => {
    await store.insertJob(newJob("j2", 20));
    expect((await store.listOpenJobs(1)).map((job) => job.id)).toEqual(["j1"]);
    expect(await store.claimJob("j2", 1, lease("t", "s", 5000), 2000)).toEqual({ kind: "not-found" });
    expect((await store.activateStaleJobs(1001)).map((job) => job.id)).toEqual(["j2"]);
  });

  it("claims atomically: the second session gets 'taken' until the lease expires", async () => {
    const first = await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect(first).toMatchObject({ kind: "claimed", job: { state: "claimed", lease: { token: "a" } } });
    expect((await store.claimJob("j1", 1, lease("b", "s2", 6000), 3000)).kind).toBe("taken");
    // The holder claiming again gets its own lease back.
    expect(await store.claimJob("j1", 1, lease("c", "s1", 6000), 3000)).toMatchObject({ kind: "claimed", job: { lease: { token: "a" } } });
    // Another user's job does not exist for them.
    expect(await store.claimJob("j1", 2, lease("x", "s9", 6000), 3000)).toEqual({ kind: "not-found" });
    // After expiry another session may take it.
    expect(await store.claimJob("j1", 1, lease("b", "s2", 9000), 5000)).toMatchObject({ kind: "claimed", job: { lease: { token: "b" } } });
  });

  it("renews, releases and re-offers expired leases", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect((await store.renewLease("j1", 1, "a", 8000))?.lease?.expiresAt).toBe(8000);
    expect(await store.renewLease("j1", 1, "wrong", 8000)).toBeNull();
    expect((await store.expireLeases(7999)).length).toBe(0);
    expect((await store.expireLeases(8000)).map((job) => job.state)).toEqual(["pending"]);
    // The lapsed holder may still revive its lease while nobody else took the job.
    expect((await store.renewLease("j1", 1, "a", 9000))?.state).toBe("claimed");
    expect((await store.releaseJob("j1", 1, "a"))?.state).toBe("pending");
  });

  it("finishes once; the same lease again is a duplicate, another lease a conflict", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect(await store.finishJob("j1", 1, "b", done, 3000)).toMatchObject({ kind: "conflict" });
    const first = await store.finishJob("j1", 1, "a", done, 3000);
    expect(first).toMatchObject({ kind: "finished", job: { state: "done", result: { text: "hi", language: "en" }, delivered: false } });
    expect((await store.finishJob("j1", 1, "a", done, 3001)).kind).toBe("duplicate");
    expect((await store.finishJob("j1", 1, "a", { kind: "failed", message: "x" }, 3002)).kind).toBe("duplicate");
    expect((await store.finishJob("j1", 2, "a", done, 3002)).kind).toBe("not-found");
    expect((await store.claimJob("j1", 1, lease("c", "s3", 9000), 4000)).kind).toBe("finished");
  });

  it("accepts a late result from a lapsed lease nobody took over", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    await store.expireLeases(6000);
    expect((await store.finishJob("j1", 1, "a", done, 6001)).kind).toBe("finished");
  });

  it("locks delivery for one caller at a time and remembers delivery", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    await store.finishJob("j1", 1, "a", done, 3000);
    expect(await store.listUndeliveredIds(3000)).toEqual(["j1"]);
    expect((await store.lockDelivery("j1", 3000, 33_000))?.deliveryAttempts).toBe(1);
    expect(await store.lockDelivery("j1", 4000, 34_000)).toBeNull();
    expect(await store.listUndeliveredIds(4000)).toEqual([]);
    expect(await store.listUndeliveredIds(33_000)).toEqual(["j1"]);
    await store.markDelivered("j1");
    expect(await store.lockDelivery("j1", 40_000, 70_000)).toBeNull();
    expect(await store.listUndeliveredIds(40_000)).toEqual([]);
  });

  it("expires pending jobs but not live claims, and requeues on retry", async () => {
    await store.insertJob(newJob("j2", 20));
    await store.activateJob("j2", 21, "waiting");
    await store.claimJob("j2", 1, lease("a", "s1", 200_000), 2000);
    const expired = await store.expireJobs(100_000);
    expect(expired.map((job) => job.id)).toEqual(["j1"]);
    expect((await store.getJob("j1"))?.state).toBe("expired");
    expect((await store.requeueJob("j1", 300_000))?.state).toBe("pending");
    expect(await store.requeueJob("j2", 300_000)).toBeNull();
    expect(await store.countOpenJobs()).toBe(2);
  });

  it("stores sessions by token hash and link codes for one use", async () => {
    const user = { id: 1, firstName: "A", lastName: null, username: "a", languageCode: null };
    await store.createSession({ tokenHash: "h1", user, createdAt: 1 });
    await store.createSession({ tokenHash: "h2", user, createdAt: 2 });
    expect((await store.findSession("h1"))?.user).toEqual(user);
    expect(await store.deleteUserSessions(1)).toBe(2);
    expect(await store.findSession("h1")).toBeNull();

    await store.saveLinkCode({ codeHash: "c", user, expiresAt: 5000 });
    expect(await store.takeLinkCode("c", 6000)).toBeNull();
    await store.saveLinkCode({ codeHash: "c", user, expiresAt: 5000 });
    expect((await store.takeLinkCode("c", 4000))?.user).toEqual(user);
    expect(await store.takeLinkCode("c", 4000)).toBeNull();
  });

  it("keeps a per-user event log with increasing ids", async () => {
    expect(await store.eventBounds()).toEqual({ oldest: 1, latest: 0 });
    const a = await store.appendEvent(1, "job", "{}", 1);
    await store.appendEvent(2, "job", "{}", 2);
    const c = await store.appendEvent(1, "job-gone", "{}", 3);
    expect((await store.eventsAfter(1, 0, 10)).map((event) => event.id)).toEqual([a.id, c.id]);
    expect((await store.eventsAfter(1, a.id, 10)).map((event) => event.name)).toEqual(["job-gone"]);
    await store.prune(3, 3);
    expect(await store.eventBounds()).toEqual({ oldest: c.id, latest: c.id });
  });

  it("chat settings default and update", async () => {
    expect(await store.getChatSettings(5)).toEqual({ languageHint: null, autoMode: false });
    await store.updateChatSettings(5, { autoMode: true });
    expect(await store.updateChatSettings(5, { languageHint: "de" })).toEqual({ languageHint: "de", autoMode: true });
  });
});

describe("SqliteStore on disk", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "relay-store-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("survives reopening (WAL) with jobs, leases and results", async () => {
    const path = join(dir, "nested", "relay.sqlite");
    const first = openSqliteStore(path);
    await first.insertJob(newJob("j1", 10));
    await first.activateJob("j1", 11, "working");
    await first.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    await first.close();
    const second = openSqliteStore(path);
    expect(await second.getJob("j1")).toMatchObject({ state: "claimed", statusMessageId: 11, lease: { token: "a", sessionId: "s1", expiresAt: 5000 } });
    await second.close();
  });
});

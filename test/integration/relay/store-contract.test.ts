/**
 * The store contract: one suite, run against every {@link RelayStore} implementation (SQLite and
 * Redis, on a real redis-server). Whatever the relay relies on is checked here: jobs and their
 * indexes, one-time link codes, session token hashes, leases (atomic claim: two relays claiming
 * the same job at once, exactly one wins), idempotent results, the delivery lock, expiry, the event
 * log, and that the data outlives the handle that wrote it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openRedisStore } from "../../../relay/redis/redis-store";
import type { Finish, JobRecord, Lease, NewJob, RelayStore } from "../../../relay/ports/relay-store";
import { openSqliteStore } from "../../../relay/sqlite/sqlite-store";
import { startRedisServer, type RedisServer } from "./redis-server";

/** Opens stores on one data set: fresh for each test, shared by every handle of that test. */
interface StoreFixture {
  /** A store on fresh, empty data. */
  open(): Promise<RelayStore>;
  /** Another handle on the same data (what a second relay would hold). */
  peer(): Promise<RelayStore>;
  /** Removes what the test left. */
  cleanup(): Promise<void>;
}

let redis: RedisServer | null = null;
let redisTests = 0;

const fixtures: ReadonlyArray<{ readonly name: string; readonly fixture: () => StoreFixture }> = [
  {
    name: "SqliteStore",
    fixture: () => {
      const dir = mkdtempSync(join(tmpdir(), "relay-contract-"));
      const path = join(dir, "relay.sqlite");
      return {
        open: async () => openSqliteStore(path),
        peer: async () => openSqliteStore(path),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "RedisStore",
    fixture: () => {
      redisTests += 1;
      const prefix = `contract${redisTests}:`;
      const url = (): string => {
        if (redis === null) throw new Error("redis-server did not start (see the first error)");
        return redis.url;
      };
      return {
        open: () => openRedisStore(url(), prefix, "contract"),
        peer: () => openRedisStore(url(), prefix, "contract-peer"),
        cleanup: async () => undefined,
      };
    },
  },
];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

function newJob(id: string, sourceMessageId: number, ownerId = 1, createdAt = 1000): NewJob {
  return {
    id,
    ownerId,
    chatId: ownerId,
    sourceMessageId,
    media: { fileId: `f-${id}`, fileUniqueId: `u-${id}`, kind: "voice", duration: 3, mime: "audio/ogg", size: 100, fileName: null },
    languageHint: null,
    createdAt,
    expiresAt: 100_000,
  };
}

const lease = (token: string, sessionId: string, expiresAt: number): Lease => ({ token, sessionId, expiresAt });
const done: Finish = { kind: "done", result: { text: "hi", segments: [{ start: 0, end: 1, text: "hi" }], language: "en" } };
const user = { id: 1, firstName: "A", lastName: null, username: "a", languageCode: null };

describe.each(fixtures)("$name (store contract)", ({ fixture: makeFixture }) => {
  let fixture: StoreFixture;
  let store: RelayStore;
  const handles: RelayStore[] = [];

  async function peer(): Promise<RelayStore> {
    const other = await fixture.peer();
    handles.push(other);
    return other;
  }

  beforeEach(async () => {
    fixture = makeFixture();
    store = await fixture.open();
    handles.push(store);
    await store.insertJob(newJob("j1", 10));
    await store.activateJob("j1", 11, "waiting");
  });
  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.close();
    await fixture.cleanup();
  });

  it("keeps one job per chat message and finds it by its voice or status message", async () => {
    const again = await store.insertJob(newJob("other", 10));
    expect(again).toMatchObject({ created: false, job: { id: "j1" } });
    expect((await store.findJobByMessage(1, 10))?.id).toBe("j1");
    expect((await store.findJobByMessage(1, 11))?.id).toBe("j1");
    expect(await store.findJobByMessage(1, 12)).toBeNull();
    expect(await store.findJobByMessage(2, 10)).toBeNull();
    expect(await store.getJob("other")).toBeNull();
  });

  it("round-trips every field of a job", async () => {
    const job: NewJob = {
      id: "full",
      ownerId: 987_654_321,
      chatId: -1_001_234_567_890,
      sourceMessageId: 2_147_483_000,
      media: { fileId: "AwACAgIAAxk", fileUniqueId: "AgADx", kind: "document", duration: 12.5, mime: "audio/mpeg", size: 19_999_999, fileName: "talk – ä.mp3" },
      languageHint: "km",
      createdAt: 1_764_000_000_123,
      expiresAt: 1_764_086_400_123,
    };
    const inserted = await store.insertJob(job);
    expect(inserted.created).toBe(true);
    const expected: JobRecord = {
      ...job,
      state: "new",
      statusMessageId: null,
      statusKind: null,
      lease: null,
      result: null,
      failureMessage: null,
      failureKind: null,
      finishedAt: null,
      delivered: false,
      deliveryFailed: false,
      deliveryParts: {},
      deliveryAttempts: 0,
    };
    expect(inserted.job).toEqual(expected);
    expect(await store.getJob("full")).toEqual(expected);
    const active = await store.activateJob("full", 77, "working");
    expect(active).toEqual({ ...expected, state: "pending", statusMessageId: 77, statusKind: "working" });
    const sparse = await store.insertJob({ ...newJob("sparse", 5, 3), media: { fileId: "f", fileUniqueId: "u", kind: "voice", duration: null, mime: null, size: null, fileName: null } });
    expect(sparse.job.media).toEqual({ fileId: "f", fileUniqueId: "u", kind: "voice", duration: null, mime: null, size: null, fileName: null });
    expect(await store.activateJob("sparse", null, null)).toMatchObject({ state: "pending", statusMessageId: null, statusKind: null });
  });

  it("keeps the owner's language with a job, and none when not given", async () => {
    await store.insertJob({ ...newJob("localised", 6), ownerLocale: "ru" });
    expect((await store.getJob("localised"))?.ownerLocale).toBe("ru");
    expect((await store.activateJob("localised", 8, "waiting"))?.ownerLocale).toBe("ru");
    await store.insertJob(newJob("plain", 7));
    expect((await store.getJob("plain"))?.ownerLocale ?? null).toBeNull();
  });

  it("keeps the owner's Telegram language tag as sent, beside the bot locale, through claim and result", async () => {
    await store.insertJob({ ...newJob("tagged", 20), ownerLocale: "en", ownerLanguageCode: "pt-BR" });
    expect(await store.activateJob("tagged", 21, "waiting")).toMatchObject({ ownerLocale: "en", ownerLanguageCode: "pt-BR" });
    const claim = await store.claimJob("tagged", 1, lease("t", "s", 5000), 2000);
    expect(claim).toMatchObject({ kind: "claimed", job: { ownerLanguageCode: "pt-BR" } });
    expect(await store.finishJob("tagged", 1, "t", done, 2500)).toMatchObject({ kind: "finished", job: { state: "done", ownerLanguageCode: "pt-BR" } });
    expect((await (await peer()).getJob("tagged"))?.ownerLanguageCode).toBe("pt-BR");
    await store.insertJob({ ...newJob("untagged", 22), ownerLocale: "ru" });
    expect((await store.getJob("untagged"))?.ownerLanguageCode ?? null).toBeNull();
  });

  it("does not offer new jobs before their status message is recorded", async () => {
    await store.insertJob(newJob("j2", 20));
    expect((await store.listOpenJobs(1)).map((job) => job.id)).toEqual(["j1"]);
    expect(await store.claimJob("j2", 1, lease("t", "s", 5000), 2000)).toEqual({ kind: "not-found" });
    expect(await store.activateStaleJobs(1000)).toEqual([]);
    expect((await store.activateStaleJobs(1001)).map((job) => job.id)).toEqual(["j2"]);
    expect(await store.activateJob("j2", 21, "waiting")).toBeNull();
    expect((await store.listOpenJobs(1)).map((job) => job.id)).toEqual(["j1", "j2"]);
  });

  it("lists a user's pending and claimed jobs, oldest first, and counts every open job", async () => {
    await store.insertJob(newJob("j3", 30, 1, 900));
    await store.activateJob("j3", 31, "waiting");
    await store.insertJob(newJob("j4", 40, 1, 1100));
    await store.activateJob("j4", 41, "waiting");
    await store.insertJob(newJob("other-user", 50, 2));
    await store.activateJob("other-user", 51, "waiting");
    await store.claimJob("j4", 1, lease("a", "s1", 5000), 2000);
    expect((await store.listOpenJobs(1)).map((job) => [job.id, job.state])).toEqual([
      ["j3", "pending"],
      ["j1", "pending"],
      ["j4", "claimed"],
    ]);
    await store.insertJob(newJob("still-new", 60));
    expect(await store.countOpenJobs()).toBe(5);
    const claim = await store.claimJob("j1", 1, lease("b", "s1", 5000), 2000);
    expect(claim.kind).toBe("claimed");
    await store.finishJob("j1", 1, "b", done, 3000);
    expect((await store.listOpenJobs(1)).map((job) => job.id)).toEqual(["j3", "j4"]);
    expect(await store.countOpenJobs()).toBe(4);
    expect(await store.listOpenJobs(99)).toEqual([]);
  });

  it("claims atomically: the second session gets 'taken' until the lease expires", async () => {
    const first = await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect(first).toMatchObject({ kind: "claimed", job: { state: "claimed", lease: { token: "a", sessionId: "s1", expiresAt: 5000 } } });
    expect(await store.claimJob("j1", 1, lease("b", "s2", 6000), 3000)).toMatchObject({ kind: "taken", job: { lease: { token: "a" } } });
    // The holder claiming again gets its own lease back.
    expect(await store.claimJob("j1", 1, lease("c", "s1", 6000), 3000)).toMatchObject({ kind: "claimed", job: { lease: { token: "a", expiresAt: 5000 } } });
    // Another user's job does not exist for them; nor does an unknown job.
    expect(await store.claimJob("j1", 2, lease("x", "s9", 6000), 3000)).toEqual({ kind: "not-found" });
    expect(await store.claimJob("nope", 1, lease("x", "s9", 6000), 3000)).toEqual({ kind: "not-found" });
    // After expiry another session may take it.
    expect(await store.claimJob("j1", 1, lease("b", "s2", 9000), 5000)).toMatchObject({ kind: "claimed", job: { lease: { token: "b", sessionId: "s2" } } });
  });

  it("gives a job to exactly one of two relays claiming it at the same moment", async () => {
    const other = await peer();
    const ids = Array.from({ length: 20 }, (_, i) => `race${i}`);
    for (const [i, id] of ids.entries()) {
      await store.insertJob(newJob(id, 100 + i));
      await store.activateJob(id, 200 + i, "waiting");
    }
    const outcomes = await Promise.all(
      ids.flatMap((id) => [store.claimJob(id, 1, lease(`a-${id}`, "sA", 5000), 2000), other.claimJob(id, 1, lease(`b-${id}`, "sB", 5000), 2000)]),
    );
    for (const [i, id] of ids.entries()) {
      const pair = [outcomes[2 * i], outcomes[2 * i + 1]];
      expect(pair.map((o) => o?.kind).sort()).toEqual(["claimed", "taken"]);
      const winner = pair.find((o) => o?.kind === "claimed");
      const stored = await other.getJob(id);
      expect(winner?.kind === "claimed" ? winner.job.lease : null).toEqual(stored?.lease);
    }
  });

  it("renews, releases and re-offers expired leases", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect((await store.renewLease("j1", 1, "a", 8000))?.lease?.expiresAt).toBe(8000);
    expect(await store.renewLease("j1", 1, "wrong", 8000)).toBeNull();
    expect(await store.renewLease("j1", 2, "a", 8000)).toBeNull();
    expect((await store.expireLeases(7999)).length).toBe(0);
    expect((await store.expireLeases(8000)).map((job) => [job.id, job.state])).toEqual([["j1", "pending"]]);
    expect(await store.expireLeases(8000)).toEqual([]);
    // The lapsed holder may still revive its lease while nobody else took the job.
    expect((await store.renewLease("j1", 1, "a", 9000))?.state).toBe("claimed");
    expect(await store.releaseJob("j1", 1, "wrong")).toBeNull();
    const released = await store.releaseJob("j1", 1, "a");
    expect(released?.state).toBe("pending");
    expect(await store.releaseJob("j1", 1, "a")).toBeNull();
    expect((await store.claimJob("j1", 1, lease("b", "s2", 9500), 9000)).kind).toBe("claimed");
  });

  it("finishes once; the same lease again is a duplicate, another lease a conflict", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect(await store.finishJob("j1", 1, "b", done, 3000)).toMatchObject({ kind: "conflict", job: { state: "claimed" } });
    const first = await store.finishJob("j1", 1, "a", done, 3000);
    expect(first).toMatchObject({
      kind: "finished",
      job: { state: "done", result: { text: "hi", segments: [{ start: 0, end: 1, text: "hi" }], language: "en" }, finishedAt: 3000, delivered: false },
    });
    expect((await store.finishJob("j1", 1, "a", done, 3001)).kind).toBe("duplicate");
    expect((await store.finishJob("j1", 1, "a", { kind: "failed", message: "x" }, 3002)).kind).toBe("duplicate");
    expect((await store.finishJob("j1", 1, "b", done, 3002)).kind).toBe("conflict");
    expect((await store.finishJob("j1", 2, "a", done, 3002)).kind).toBe("not-found");
    expect((await store.finishJob("nope", 1, "a", done, 3002)).kind).toBe("not-found");
    expect((await store.claimJob("j1", 1, lease("c", "s3", 9000), 4000)).kind).toBe("finished");
    expect((await store.getJob("j1"))?.result?.text).toBe("hi");
  });

  it("counts a result once when two relays record it at the same moment", async () => {
    const other = await peer();
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    const outcomes = await Promise.all([store.finishJob("j1", 1, "a", done, 3000), other.finishJob("j1", 1, "a", done, 3000)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["duplicate", "finished"]);
  });

  it("records failures with their message, and results without a language", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect(await store.finishJob("j1", 1, "a", { kind: "failed", message: "WebGPU device lost" }, 3000)).toMatchObject({
      kind: "finished",
      job: { state: "failed", failureMessage: "WebGPU device lost", result: null },
    });
    await store.insertJob(newJob("j2", 20));
    await store.activateJob("j2", 21, "waiting");
    await store.claimJob("j2", 1, lease("b", "s1", 5000), 2000);
    const finished = await store.finishJob("j2", 1, "b", { kind: "done", result: { text: "", segments: [], language: null } }, 3000);
    expect(finished).toMatchObject({ kind: "finished", job: { result: { text: "", segments: [], language: null } } });
  });

  it("accepts a late result from a lapsed lease nobody took over", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    await store.expireLeases(6000);
    expect((await store.finishJob("j1", 1, "a", done, 6001)).kind).toBe("finished");
  });

  it("locks delivery for one caller at a time, across relays, and remembers delivery", async () => {
    const other = await peer();
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    await store.finishJob("j1", 1, "a", done, 3000);
    expect(await store.listUndeliveredIds(3000)).toEqual(["j1"]);
    const locks = await Promise.all([store.lockDelivery("j1", 3000, 33_000), other.lockDelivery("j1", 3000, 33_000)]);
    expect(locks.filter((job) => job !== null).map((job) => job?.deliveryAttempts)).toEqual([1]);
    expect(await store.lockDelivery("j1", 4000, 34_000)).toBeNull();
    expect(await other.listUndeliveredIds(4000)).toEqual([]);
    expect(await other.listUndeliveredIds(33_000)).toEqual(["j1"]);
    await other.deferDelivery("j1", 40_000);
    expect(await store.listUndeliveredIds(39_999)).toEqual([]);
    expect((await store.lockDelivery("j1", 40_000, 70_000))?.deliveryAttempts).toBe(2);
    await store.markDelivered("j1");
    expect((await other.getJob("j1"))?.delivered).toBe(true);
    expect(await store.lockDelivery("j1", 80_000, 90_000)).toBeNull();
    expect(await store.listUndeliveredIds(80_000)).toEqual([]);
    await store.deferDelivery("j1", 1);
    expect(await store.listUndeliveredIds(80_000)).toEqual([]);
  });

  it("remembers each delivered part across relays, postpones without counting, and marks a final failure", async () => {
    const other = await peer();
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    await store.finishJob("j1", 1, "a", done, 3000);
    expect((await store.lockDelivery("j1", 3000, 33_000))?.deliveryParts).toEqual({});
    await store.recordDeliveryPart("j1", 1, 2_147_483_001);
    await other.recordDeliveryPart("j1", 2, 2_147_483_002);
    await store.recordDeliveryPart("j1", 0, 11);
    expect((await other.getJob("j1"))?.deliveryParts).toEqual({ 0: 11, 1: 2_147_483_001, 2: 2_147_483_002 });
    // A 429: due later, and the attempt does not count.
    await other.postponeDelivery("j1", 40_000);
    expect(await store.listUndeliveredIds(39_999)).toEqual([]);
    const again = await store.lockDelivery("j1", 40_000, 70_000);
    expect(again?.deliveryAttempts).toBe(1);
    expect(again?.deliveryParts).toEqual({ 0: 11, 1: 2_147_483_001, 2: 2_147_483_002 });
    await store.markDeliveryFailed("j1");
    const failed = await other.getJob("j1");
    expect([failed?.delivered, failed?.deliveryFailed]).toEqual([false, true]);
    expect(await store.listUndeliveredIds(100_000)).toEqual([]);
    expect(await store.lockDelivery("j1", 100_000, 130_000)).toBeNull();
    // Retry starts over: no parts, not failed.
    expect(await store.requeueJob("j1", 300_000)).toBeNull();
    await store.insertJob(newJob("j3", 30));
    await store.activateJob("j3", 31, "waiting");
    await store.claimJob("j3", 1, lease("b", "s1", 5000), 2000);
    await store.finishJob("j3", 1, "b", { kind: "failed", message: "x" }, 3000);
    await store.lockDelivery("j3", 3000, 33_000);
    await store.recordDeliveryPart("j3", 0, 31);
    await store.markDeliveryFailed("j3");
    expect(await store.requeueJob("j3", 300_000)).toMatchObject({ deliveryFailed: false, delivered: false, deliveryParts: {} });
  });

  it("keeps a failure's kind until a retry, and redelivers a failed delivery with its parts", async () => {
    const other = await peer();
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect(await store.finishJob("j1", 1, "a", { kind: "failed", message: "not audio", failureKind: "not-audio" }, 3000)).toMatchObject({
      kind: "finished",
      job: { state: "failed", failureMessage: "not audio", failureKind: "not-audio" },
    });
    expect((await other.getJob("j1"))?.failureKind).toBe("not-audio");
    // Only a delivery that failed for good can be redelivered.
    expect(await store.redeliver("j1")).toBeNull();
    await store.lockDelivery("j1", 3000, 33_000);
    await store.recordDeliveryPart("j1", 0, 11);
    await store.markDeliveryFailed("j1");
    expect(await store.listUndeliveredIds(100_000)).toEqual([]);
    expect(await other.redeliver("j1")).toMatchObject({ delivered: false, deliveryFailed: false, deliveryAttempts: 0, deliveryParts: { 0: 11 }, failureKind: "not-audio" });
    expect(await store.listUndeliveredIds(100_000)).toEqual(["j1"]);
    expect((await store.lockDelivery("j1", 100_000, 130_000))?.deliveryAttempts).toBe(1);
    expect(await store.redeliver("j1")).toBeNull();
    // A failure without a kind (an older app) reads as null; a requeue forgets the kind.
    await store.insertJob(newJob("j2", 20));
    await store.activateJob("j2", 21, "waiting");
    await store.claimJob("j2", 1, lease("b", "s1", 5000), 2000);
    await store.finishJob("j2", 1, "b", { kind: "failed", message: "old app" }, 3000);
    expect((await store.getJob("j2"))?.failureKind).toBeNull();
    expect((await store.requeueJob("j1", 300_000))?.failureKind).toBeNull();
  });

  it("lists waiting jobs due for a reminder, and not once reminded or claimed", async () => {
    expect(await store.listJobsToRemind(99_999)).toEqual([]);
    expect((await store.listJobsToRemind(100_000)).map((job) => job.id)).toEqual(["j1"]);
    await store.setStatusKind("j1", "reminded");
    expect(await store.listJobsToRemind(100_000)).toEqual([]);
    expect((await store.getJob("j1"))?.statusKind).toBe("reminded");
    await store.setStatusKind("j1", "waiting");
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    expect(await store.listJobsToRemind(100_000)).toEqual([]);
  });

  it("expires pending jobs but not live claims, tells nobody twice, and requeues on retry", async () => {
    await store.insertJob(newJob("j2", 20));
    await store.activateJob("j2", 21, "waiting");
    await store.claimJob("j2", 1, lease("a", "s1", 200_000), 2000);
    expect(await store.expireJobs(99_999)).toEqual([]);
    const expired = await store.expireJobs(100_000);
    expect(expired.map((job) => [job.id, job.state, job.finishedAt])).toEqual([["j1", "expired", 100_000]]);
    expect(await store.expireJobs(100_001)).toEqual([]);
    expect((await store.getJob("j1"))?.state).toBe("expired");
    expect(await store.listUndeliveredIds(100_000)).toEqual(["j1"]);
    expect((await store.claimJob("j1", 1, lease("b", "s2", 300_000), 100_000)).kind).toBe("finished");
    const requeued = await store.requeueJob("j1", 300_000);
    expect(requeued).toMatchObject({ state: "pending", expiresAt: 300_000, lease: null, finishedAt: null, statusKind: "waiting", delivered: false, deliveryAttempts: 0 });
    expect(await store.listUndeliveredIds(100_000)).toEqual([]);
    expect(await store.requeueJob("j2", 300_000)).toBeNull();
    expect(await store.countOpenJobs()).toBe(2);
    // A failed job can be retried too; a done one cannot.
    await store.finishJob("j2", 1, "a", { kind: "failed", message: "x" }, 3000);
    expect((await store.requeueJob("j2", 300_000))?.failureMessage).toBeNull();
    await store.claimJob("j2", 1, lease("c", "s1", 200_000), 4000);
    await store.finishJob("j2", 1, "c", done, 5000);
    expect(await store.requeueJob("j2", 300_000)).toBeNull();
  });

  it("purges finished jobs past the retention with their audio and message references, and keeps open ones", async () => {
    const other = await peer();
    for (const [id, message] of [["old", 30], ["recent", 31], ["open", 32]] as const) {
      await store.insertJob(newJob(id, message));
      await store.activateJob(id, message + 100, "waiting");
    }
    await store.claimJob("old", 1, lease("a", "s1", 200_000), 2000);
    await store.finishJob("old", 1, "a", done, 3000);
    await store.markDelivered("old");
    await store.claimJob("recent", 1, lease("b", "s1", 200_000), 2000);
    await store.finishJob("recent", 1, "b", { kind: "failed", message: "x" }, 9000);
    expect(await other.purgeFinishedJobs(5000)).toBe(1);
    expect(await store.getJob("old")).toBeNull();
    expect(await store.findJobByMessage(1, 30)).toBeNull();
    expect(await store.findJobByMessage(1, 130)).toBeNull();
    expect((await store.getJob("recent"))?.state).toBe("failed");
    expect((await store.getJob("open"))?.state).toBe("pending");
    expect(await store.purgeFinishedJobs(5000)).toBe(0);
    expect(await store.purgeFinishedJobs(10_000)).toBe(1);
    expect(await store.listUndeliveredIds(10_000)).toEqual([]);
    const open = (await store.listOpenJobs(1)).map((job) => job.id);
    expect(open).toContain("open");
    expect(open).not.toContain("recent");
  });

  it("stores sessions by token hash and deletes them one by one or per user", async () => {
    const other = await peer();
    await store.createSession({ tokenHash: "h1", user, createdAt: 1, lastSeenAt: 1 });
    await store.createSession({ tokenHash: "h2", user, createdAt: 2, lastSeenAt: 2 });
    await store.createSession({ tokenHash: "h3", user: { ...user, id: 2 }, createdAt: 3, lastSeenAt: 3 });
    expect(await other.findSession("h1")).toEqual({ tokenHash: "h1", user, createdAt: 1, lastSeenAt: 1 });
    expect(await other.findSession("unknown")).toBeNull();
    expect(await other.deleteSession("h2")).toBe(true);
    expect(await other.deleteSession("h2")).toBe(false);
    expect(await store.deleteUserSessions(1)).toBe(1);
    expect(await store.deleteUserSessions(1)).toBe(0);
    expect(await store.findSession("h1")).toBeNull();
    expect((await store.findSession("h3"))?.user.id).toBe(2);
  });

  it("touches sessions forward only, lists a user's oldest first, and prunes idle or too old ones", async () => {
    const other = await peer();
    await store.createSession({ tokenHash: "b", user, createdAt: 20, lastSeenAt: 20 });
    await store.createSession({ tokenHash: "a", user, createdAt: 10, lastSeenAt: 10 });
    await store.createSession({ tokenHash: "c", user, createdAt: 30, lastSeenAt: 30 });
    await store.createSession({ tokenHash: "d", user: { ...user, id: 2 }, createdAt: 5, lastSeenAt: 5 });
    await other.touchSession("a", 500);
    await other.touchSession("a", 400);
    await other.touchSession("gone", 400);
    expect((await store.findSession("a"))?.lastSeenAt).toBe(500);
    expect((await other.listUserSessions(1)).map((s) => s.tokenHash)).toEqual(["a", "b", "c"]);
    // Idle before 25 removes b (seen 20) and d (seen 5); created before 8 would also catch d.
    expect(await store.pruneSessions(25, 8)).toBe(2);
    expect((await other.listUserSessions(1)).map((s) => s.tokenHash)).toEqual(["a", "c"]);
    expect(await store.findSession("d")).toBeNull();
    // Created before 15 removes a, although it was seen recently.
    expect(await other.pruneSessions(0, 15)).toBe(1);
    expect((await store.listUserSessions(1)).map((s) => s.tokenHash)).toEqual(["c"]);
    expect(await store.pruneSessions(0, 0)).toBe(0);
  });

  it("remembers the latest /unlink time per user", async () => {
    const other = await peer();
    expect(await store.findUnlinkedAt(1)).toBeNull();
    await store.setUnlinkedAt(1, 2000);
    await other.setUnlinkedAt(1, 1000);
    expect(await other.findUnlinkedAt(1)).toBe(2000);
    expect(await store.findUnlinkedAt(2)).toBeNull();
  });

  it("takes each link code once, and never after it expired", async () => {
    const other = await peer();
    await store.saveLinkCode({ codeHash: "c", user, expiresAt: 5000 });
    expect(await store.takeLinkCode("c", 5000)).toBeNull();
    await store.saveLinkCode({ codeHash: "c", user, expiresAt: 5000 });
    const taken = await Promise.all([store.takeLinkCode("c", 4000), other.takeLinkCode("c", 4000)]);
    expect(taken.filter((code) => code !== null)).toEqual([{ codeHash: "c", user, expiresAt: 5000 }]);
    // Expired codes are pruned; live ones stay.
    await store.saveLinkCode({ codeHash: "old", user, expiresAt: 5000 });
    await store.saveLinkCode({ codeHash: "live", user, expiresAt: 9000 });
    await store.prune(0, 6000);
    expect(await store.takeLinkCode("old", 0)).toBeNull();
    expect((await store.takeLinkCode("live", 6000))?.expiresAt).toBe(9000);
  });

  it("keeps a per-user event log with ids counted per user across relays", async () => {
    const other = await peer();
    expect(await store.eventBounds(1)).toEqual({ oldest: 1, latest: 0 });
    const a = await store.appendEvent(1, "job", "{\"n\":1}", 1);
    const b = await other.appendEvent(2, "job", "{}", 2);
    const c = await other.appendEvent(1, "job-gone", "{\"n\":2}", 3);
    // One user's ids say nothing about another's activity.
    expect([a.id, b.id, c.id]).toEqual([1, 1, 2]);
    expect(await store.eventBounds(2)).toEqual({ oldest: 1, latest: 1 });
    expect(await store.eventsAfter(1, 0, 10)).toEqual([
      { id: a.id, ownerId: 1, name: "job", data: "{\"n\":1}", createdAt: 1 },
      { id: c.id, ownerId: 1, name: "job-gone", data: "{\"n\":2}", createdAt: 3 },
    ]);
    expect((await store.eventsAfter(1, a.id, 10)).map((event) => event.name)).toEqual(["job-gone"]);
    expect((await store.eventsAfter(1, 0, 1)).map((event) => event.id)).toEqual([a.id]);
    expect(await store.eventBounds(1)).toEqual({ oldest: 1, latest: c.id });
  });

  it("prunes old events, and its bounds say which replays are still complete", async () => {
    const a = await store.appendEvent(1, "job", "{}", 1);
    const b = await store.appendEvent(2, "job", "{}", 2);
    const c = await store.appendEvent(1, "job", "{}", 3);
    await store.prune(3, 3);
    expect((await store.eventsAfter(1, 0, 10)).map((event) => event.id)).toEqual([c.id]);
    expect(await store.eventsAfter(2, 0, 10)).toEqual([]);
    // A session that saw up to `a` may replay; one that saw nothing of user 1's log may not.
    const bounds = await store.eventBounds(1);
    expect(bounds.latest).toBe(c.id);
    expect(bounds.oldest).toBeGreaterThan(a.id);
    expect(bounds.oldest).toBeLessThanOrEqual(c.id);
    const empty = await store.eventBounds(2);
    expect(empty.oldest).toBeGreaterThan(b.id);
    const d = await store.appendEvent(2, "job", "{}", 4);
    // Pruning never resets a user's counter.
    expect(d.id).toBe(b.id + 1);
    expect((await store.eventsAfter(2, 0, 10)).map((event) => event.id)).toEqual([d.id]);
  });

  it("keeps chat settings, defaulting to no hint and no automatic mode", async () => {
    const other = await peer();
    expect(await store.getChatSettings(5)).toEqual({ languageHint: null, autoMode: false });
    await store.updateChatSettings(5, { autoMode: true });
    expect(await other.updateChatSettings(5, { languageHint: "de" })).toEqual({ languageHint: "de", autoMode: true });
    expect(await store.updateChatSettings(5, { languageHint: null })).toEqual({ languageHint: null, autoMode: true });
    expect(await other.getChatSettings(-100_5)).toEqual({ languageHint: null, autoMode: false });
  });

  it("keeps everything after the relay that wrote it closes", async () => {
    await store.claimJob("j1", 1, lease("a", "s1", 5000), 2000);
    await store.createSession({ tokenHash: "h1", user, createdAt: 1, lastSeenAt: 1 });
    const event = await store.appendEvent(1, "job", "{}", 1);
    await store.close();
    handles.splice(handles.indexOf(store), 1);
    const reopened = await peer();
    expect(await reopened.getJob("j1")).toMatchObject({ state: "claimed", statusMessageId: 11, lease: { token: "a", sessionId: "s1", expiresAt: 5000 } });
    expect((await reopened.findSession("h1"))?.user).toEqual(user);
    expect((await reopened.eventsAfter(1, 0, 10)).map((e) => e.id)).toEqual([event.id]);
    expect((await reopened.finishJob("j1", 1, "a", done, 3000)).kind).toBe("finished");
  });
});

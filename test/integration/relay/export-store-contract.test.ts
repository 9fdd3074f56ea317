/**
 * The export half of the store contract (relay/ports/export-store.ts), run against SQLite and
 * against Redis on a real redis-server, as store-contract.test.ts does for the rest: an export is
 * kept under its owner's cap, served a set number of times and then gone, gone at its expiry, found
 * by its token hash only, shared by every relay on the same data, and one relay wins the last download.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ExportRecord } from "../../../relay/ports/export-store";
import type { RelayStore } from "../../../relay/ports/relay-store";
import { openRedisStore, RedisStore } from "../../../relay/redis/redis-store";
import { openSqliteStore } from "../../../relay/sqlite/sqlite-store";
import { startRedisServer, type RedisServer } from "./redis-server";

interface Fixture {
  open(): Promise<RelayStore>;
  cleanup(): Promise<void>;
}

let redis: RedisServer | null = null;
let redisTests = 0;

const fixtures: ReadonlyArray<{ readonly name: string; readonly fixture: () => Fixture }> = [
  {
    name: "SqliteStore",
    fixture: () => {
      const dir = mkdtempSync(join(tmpdir(), "relay-exports-"));
      return { open: async () => openSqliteStore(join(dir, "relay.sqlite")), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "RedisStore",
    fixture: () => {
      redisTests += 1;
      const prefix = `exports${redisTests}:`;
      return {
        open: () => {
          if (redis === null) throw new Error("redis-server did not start (see the first error)");
          return openRedisStore(redis.url, prefix, "exports");
        },
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

// Real times: Redis expires the keys itself, relative to the `now` given.
const T0 = Date.now();

function record(tokenHash: string, overrides: Partial<ExportRecord> = {}): ExportRecord {
  return {
    tokenHash,
    ownerId: 1,
    fileName: "voice «1».srt",
    format: "srt",
    body: "1\n00:00:00,000 --> 00:00:01,500\nHello — привет 👋\n",
    createdAt: T0,
    expiresAt: T0 + 300_000,
    downloadsLeft: 3,
    ...overrides,
  };
}

describe.each(fixtures)("$name (export store contract)", ({ fixture: makeFixture }) => {
  let fixture: Fixture;
  let store: RelayStore;
  const handles: RelayStore[] = [];

  beforeEach(async () => {
    fixture = makeFixture();
    store = await fixture.open();
    handles.push(store);
  });
  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.close();
    await fixture.cleanup();
  });

  it("keeps an export exactly as given, serves it the set number of times, then has nothing", async () => {
    const saved = record("h1");
    expect(await store.exports.saveExport(saved, 5, T0)).toBe("saved");
    expect(await store.exports.findExport("h1", T0 + 1)).toEqual(saved);
    expect(await store.exports.takeExport("h1", T0 + 1)).toEqual({ ...saved, downloadsLeft: 2 });
    expect(await store.exports.takeExport("h1", T0 + 2)).toEqual({ ...saved, downloadsLeft: 1 });
    expect(await store.exports.findExport("h1", T0 + 2)).toEqual({ ...saved, downloadsLeft: 1 });
    expect(await store.exports.takeExport("h1", T0 + 3)).toEqual({ ...saved, downloadsLeft: 0 });
    expect(await store.exports.takeExport("h1", T0 + 4)).toBeNull();
    expect(await store.exports.findExport("h1", T0 + 4)).toBeNull();
    expect(await store.exports.countUserExports(1, T0 + 4)).toBe(0);
  });

  it("knows nothing of unknown tokens", async () => {
    await store.exports.saveExport(record("h1"), 5, T0);
    expect(await store.exports.takeExport("h2", T0)).toBeNull();
    expect(await store.exports.findExport("", T0)).toBeNull();
  });

  it("serves nothing at or after the expiry, and pruning deletes what expired", async () => {
    await store.exports.saveExport(record("old", { expiresAt: T0 + 1000 }), 5, T0);
    await store.exports.saveExport(record("new"), 5, T0);
    expect(await store.exports.findExport("old", T0 + 999)).not.toBeNull();
    expect(await store.exports.findExport("old", T0 + 1000)).toBeNull();
    expect(await store.exports.takeExport("old", T0 + 5000)).toBeNull();
    await store.exports.pruneExports(T0 + 5000);
    expect(await store.exports.takeExport("old", T0 + 999)).toBeNull();
    expect(await store.exports.countUserExports(1, T0 + 5000)).toBe(1);
    expect(await store.exports.findExport("new", T0 + 5000)).not.toBeNull();
  });

  it("caps live exports per user; expired and used-up ones do not count, other users have their own", async () => {
    for (const hash of ["a", "b"]) expect(await store.exports.saveExport(record(hash), 2, T0)).toBe("saved");
    expect(await store.exports.saveExport(record("c"), 2, T0)).toBe("too-many");
    expect(await store.exports.findExport("c", T0)).toBeNull();
    expect(await store.exports.saveExport(record("d", { ownerId: 2 }), 2, T0)).toBe("saved");
    // One used up: room for one more.
    await store.exports.saveExport(record("e", { ownerId: 1 }), 3, T0);
    for (let i = 0; i < 3; i += 1) await store.exports.takeExport("a", T0);
    expect(await store.exports.countUserExports(1, T0)).toBe(2);
    expect(await store.exports.saveExport(record("f", { ownerId: 2, expiresAt: T0 + 10 }), 2, T0)).toBe("saved");
    expect(await store.exports.saveExport(record("g", { ownerId: 2 }), 2, T0 + 20)).toBe("saved");
    expect(await store.exports.countUserExports(2, T0 + 20)).toBe(2);
  });

  it("is shared by every relay on the same data, and the last download goes to exactly one of two at once", async () => {
    const other = await fixture.open();
    handles.push(other);
    await store.exports.saveExport(record("shared", { downloadsLeft: 1 }), 5, T0);
    expect(await other.exports.findExport("shared", T0)).not.toBeNull();
    const taken = await Promise.all([store.exports.takeExport("shared", T0), other.exports.takeExport("shared", T0)]);
    expect(taken.filter((found) => found !== null)).toHaveLength(1);
  });
});

describe("RedisStore exports", () => {
  it("leave it to Redis to drop an export at its expiry, with the user's index expiring no earlier", async () => {
    if (redis === null) throw new Error("redis-server did not start");
    const store = await openRedisStore(redis.url, "exports-ttl:", "exports-ttl");
    try {
      expect(store).toBeInstanceOf(RedisStore);
      await store.exports.saveExport(record("ttl", { ownerId: 9 }), 5, T0);
      const ttl = await store.client.pttl("exports-ttl:export:ttl");
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300_000);
      expect(await store.client.pttl("exports-ttl:exports:9")).toBeGreaterThanOrEqual(ttl - 1000);
    } finally {
      await store.close();
    }
  });
});

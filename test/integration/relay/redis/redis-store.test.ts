/**
 * What only the Redis store does (its behaviour as a store is the shared contract,
 * test/integration/relay/store-contract.test.ts): the capped per-user log, publishing each event on
 * the bus in the same step, and its key prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeRedis, connectRedis } from "../../../../relay/redis/redis-connection";
import { EVENT_LOG_CAP, openRedisStore } from "../../../../relay/redis/redis-store";
import { startRedisServer, type RedisServer } from "../redis-server";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe("RedisStore", () => {
  it("continues a user's event ids from the old global counter, so no Last-Event-ID goes backwards after an upgrade", async () => {
    const store = await openRedisStore(redis.url, "legacy:");
    try {
      await store.client.set("legacy:events:seq", "41");
      expect((await store.appendEvent(7, "job", "{}", 1)).id).toBe(42);
      expect((await store.appendEvent(7, "job", "{}", 2)).id).toBe(43);
      expect((await store.appendEvent(8, "job", "{}", 3)).id).toBe(42);
      expect(await store.eventBounds(7)).toEqual({ oldest: 1, latest: 43 });
    } finally {
      await store.close();
    }
  });

  it("caps each user's event log, and its bounds then ask for a snapshot instead of a replay", async () => {
    const store = await openRedisStore(redis.url, "cap:");
    try {
      const first = await store.appendEvent(1, "job", "{}", 1);
      let last = first;
      for (let i = 0; i < EVENT_LOG_CAP + 4; i += 1) last = await store.appendEvent(1, "job", `{"i":${i}}`, 2 + i);
      const kept = await store.eventsAfter(1, 0, 2 * EVENT_LOG_CAP);
      expect(kept).toHaveLength(EVENT_LOG_CAP);
      expect(kept.at(-1)?.id).toBe(last.id);
      const bounds = await store.eventBounds(1);
      expect(bounds.oldest).toBe(kept[0]?.id);
      expect(first.id).toBeLessThan(bounds.oldest - 1);
      // Time-based pruning keeps working on a capped log.
      await store.prune(EVENT_LOG_CAP, EVENT_LOG_CAP);
      const after = await store.eventsAfter(1, 0, 2 * EVENT_LOG_CAP);
      expect(after.every((event) => event.createdAt >= EVENT_LOG_CAP)).toBe(true);
      expect((await store.eventBounds(1)).oldest).toBe(after[0]?.id);
    } finally {
      await store.close();
    }
  });

  it("publishes every appended event on its bus channel, and keeps all keys under its prefix", async () => {
    const store = await openRedisStore(redis.url, "pub:");
    const subscriber = await connectRedis(redis.url, { name: "pub-test" });
    try {
      const heard: string[] = [];
      subscriber.on("message", (channel: string, message: string) => heard.push(`${channel} ${message}`));
      await subscriber.subscribe(store.busChannel);
      const event = await store.appendEvent(3, "job-gone", '{"id":"j"}', 5);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toHaveLength(1);
      expect(heard[0]?.startsWith("pub:bus ")).toBe(true);
      expect(JSON.parse(heard[0]?.slice("pub:bus ".length) ?? "")).toEqual({ t: "event", o: "3", i: String(event.id), n: "job-gone", d: '{"id":"j"}' });
      await store.insertJob({
        id: "j",
        ownerId: 3,
        chatId: 3,
        sourceMessageId: 1,
        media: { fileId: "f", fileUniqueId: "u", kind: "voice", duration: 1, mime: null, size: null, fileName: null },
        languageHint: null,
        createdAt: 1,
        expiresAt: 2,
      });
      await store.createSession({ tokenHash: "h", user: { id: 3, firstName: "C", lastName: null, username: null, languageCode: null }, createdAt: 1, lastSeenAt: 1 });
      const keys = await store.client.keys("*");
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((key) => !key.startsWith("pub:") && !key.startsWith("cap:") && !key.startsWith("legacy:"))).toEqual([]);
    } finally {
      await closeRedis(subscriber);
      await store.close();
    }
  });
});

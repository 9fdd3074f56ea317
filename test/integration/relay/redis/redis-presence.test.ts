/** Presence across relays on a real redis-server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionHub } from "../../../../relay/events/session-hub";
import { closeRedis, connectRedis } from "../../../../relay/redis/redis-connection";
import { RedisPresence } from "../../../../relay/redis/redis-presence";
import { eventually } from "../harness";
import { startRedisServer, type RedisServer } from "../redis-server";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const stream = (sessionId: string) => ({ sessionId, deliver: () => undefined, close: () => undefined });

describe("RedisPresence", () => {
  it("sees a user online while a stream is open on any relay, and not once it closes or its relay stops refreshing", async () => {
    const client = await connectRedis(redis.url, { name: "presence-test" });
    const hubA = new SessionHub();
    const hubB = new SessionHub();
    const a = new RedisPresence(client, "p:", hubA, "relay-a");
    const b = new RedisPresence(client, "p:", hubB, "relay-b", 600);
    a.start();
    b.start();
    try {
      expect(await a.isOnline(1)).toBe(false);
      const remove = hubB.add(1, stream("s1"));
      await eventually(async () => ((await a.isOnline(1)) ? true : undefined), 2000, "online through B");
      remove();
      await eventually(async () => ((await a.isOnline(1)) ? undefined : true), 2000, "offline after the stream closed");

      // A clean stop removes this relay's entries at once.
      hubB.add(2, stream("s2"));
      await eventually(async () => ((await a.isOnline(2)) ? true : undefined), 2000, "online through B");
      await b.close();
      expect(await a.isOnline(2)).toBe(false);

      // A relay killed without cleaning up leaves an entry that stops counting when its time is up.
      await client.hset("p:online:3", "relay-killed", String(Date.now() + 300));
      expect(await a.isOnline(3)).toBe(true);
      await eventually(async () => ((await a.isOnline(3)) ? undefined : true), 3000, "stale entry ignored");
    } finally {
      await a.close();
      await closeRedis(client);
    }
  });
});

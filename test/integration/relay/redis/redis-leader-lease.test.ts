/** The polling lease on a real redis-server: one holder, renewal, takeover after expiry, release. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeRedis, connectRedis } from "../../../../relay/redis/redis-connection";
import { RedisLeaderLease } from "../../../../relay/redis/redis-leader-lease";
import { startRedisServer, type RedisServer } from "../redis-server";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("RedisLeaderLease", () => {
  it("lets one relay hold it, renew it, and another take it once it lapses or is released", async () => {
    const clients = await Promise.all([connectRedis(redis.url, { name: "lease-a" }), connectRedis(redis.url, { name: "lease-b" })]);
    const [ca, cb] = clients;
    if (ca === undefined || cb === undefined) throw new Error("no clients");
    const a = new RedisLeaderLease(ca, "l:poll-leader", "relay-a", 400);
    const b = new RedisLeaderLease(cb, "l:poll-leader", "relay-b", 400);
    try {
      // At the same moment, exactly one wins.
      expect((await Promise.all([a.hold(), b.hold()])).filter(Boolean)).toHaveLength(1);
      const [first, second] = (await a.holder()) === "relay-a" ? [a, b] : [b, a];
      // Renewal keeps it past the lease time.
      for (let i = 0; i < 4; i += 1) {
        await sleep(150);
        expect(await first.hold()).toBe(true);
        expect(await second.hold()).toBe(false);
      }
      // The holder stops renewing (it died): the other takes over after the lease time.
      await sleep(450);
      expect(await second.hold()).toBe(true);
      expect(await first.hold()).toBe(false);
      // Releasing hands it over at once; releasing someone else's lease does nothing.
      await first.release();
      expect(await second.hold()).toBe(true);
      await second.release();
      expect(await a.holder()).toBeNull();
      expect(await first.hold()).toBe(true);
    } finally {
      await Promise.all(clients.map((client) => closeRedis(client)));
    }
  });
});

/**
 * The Redis backend (`RELAY_STORE=redis://…`): store, event bus, presence and polling lease on one
 * Redis, so any number of relays act as one (see relay/README.md, "Several relays"). Loaded by
 * relay/backend.ts only when the store is Redis.
 */
import type { Redis } from "ioredis";
import type { Backend } from "../backend";
import type { StoreLocation } from "../config";
import type { SessionHub } from "../events/session-hub";
import { connectRedis } from "./redis-connection";
import { RedisEventBus } from "./redis-event-bus";
import { RedisLeaderLease } from "./redis-leader-lease";
import { RedisPresence } from "./redis-presence";
import { RedisStore } from "./redis-store";

/** Connects the command and subscriber clients and starts the bus and presence. */
export async function openRedisBackend(location: Extract<StoreLocation, { kind: "redis" }>, leaderLeaseMs: number, hub: SessionHub, instanceId: string): Promise<Backend> {
  const client = await connectRedis(location.url, { name: `${instanceId}:commands`, commandTimeoutMs: location.commandTimeoutMs });
  const store = new RedisStore(client, location.prefix);
  let subscriber: Redis;
  try {
    subscriber = await connectRedis(location.url, { name: `${instanceId}:bus`, commandTimeoutMs: location.commandTimeoutMs });
  } catch (error) {
    await store.close();
    throw error;
  }
  const bus = new RedisEventBus(store, subscriber, hub);
  await bus.start();
  const presence = new RedisPresence(client, location.prefix, hub, instanceId);
  presence.start();
  return {
    store,
    bus,
    presence,
    pollingLease: new RedisLeaderLease(client, `${location.prefix}poll-leader`, instanceId, leaderLeaseMs),
    close: async () => {
      await bus.close();
      await presence.close();
      await store.close();
    },
  };
}

/**
 * What a relay keeps outside its own process, chosen by `RELAY_STORE`: the store, plus what
 * several relays must share to act as one — the event bus (a job event reaches a stream held by any
 * relay), presence (is a user's session online on any relay?) and the lease that lets exactly one
 * relay long-poll Telegram.
 *
 * - `sqlite:<file>`: one relay. The bus and presence are this process; the lease is always held.
 * - `redis://…`: any number of relays on one Redis (see relay/README.md, "Several relays").
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { RelayConfig } from "./config";
import { ALWAYS_LEADER } from "./bot/polling-leader";
import { LocalEventBus } from "./events/event-bus";
import { LocalPresence } from "./events/presence";
import type { SessionHub } from "./events/session-hub";
import { connectRedis } from "./redis/redis-connection";
import { RedisEventBus } from "./redis/redis-event-bus";
import { RedisLeaderLease } from "./redis/redis-leader-lease";
import { RedisPresence } from "./redis/redis-presence";
import { RedisStore } from "./redis/redis-store";
import type { RelayStore } from "./ports/relay-store";
import { openSqliteStore } from "./sqlite/sqlite-store";
import type { EventBus } from "./ports/event-bus";
import type { Presence } from "./ports/presence";
import type { LeaderLease } from "./ports/leader-lease";

/** An opened backend; see the module comment. */
export interface Backend {
  readonly store: RelayStore;
  readonly bus: EventBus;
  readonly presence: Presence;
  /** Who may long-poll Telegram. */
  readonly pollingLease: LeaderLease;
  /** Stops the bus and presence, then closes the store and its connections. */
  close(): Promise<void>;
}

/** A name for this process: host, process id and a random suffix (unique across restarts). */
export function defaultInstanceId(): string {
  return `${hostname().replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 40)}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** Opens the backend `config.store` names, feeding `hub` with events for this relay's streams. */
export async function openBackend(config: RelayConfig, hub: SessionHub, instanceId: string): Promise<Backend> {
  const location = config.store;
  switch (location.kind) {
    case "sqlite": {
      const store = openSqliteStore(location.path);
      return {
        store,
        bus: new LocalEventBus(store, hub),
        presence: new LocalPresence(hub),
        pollingLease: ALWAYS_LEADER,
        close: () => store.close(),
      };
    }
    case "redis": {
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
        pollingLease: new RedisLeaderLease(client, `${location.prefix}poll-leader`, instanceId, config.leaderLeaseMs),
        close: async () => {
          await bus.close();
          await presence.close();
          await store.close();
        },
      };
    }
  }
}

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
import type { RelayConfig } from "./config";
import { ALWAYS_LEADER } from "./bot/polling-leader";
import { LocalEventBus } from "./events/event-bus";
import { LocalPresence } from "./events/presence";
import type { SessionHub } from "./events/session-hub";
import type { RelayStore } from "./ports/relay-store";
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
      // Each store's code is imported once chosen: a SQLite relay never loads ioredis, a Redis
      // relay never loads better-sqlite3's native library (relay/README.md, "Memory").
      const { openSqliteStore } = await import("./sqlite/sqlite-store");
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
      const { openRedisBackend } = await import("./redis/redis-backend");
      return openRedisBackend(location, config.leaderLeaseMs, hub, instanceId);
    }
  }
}

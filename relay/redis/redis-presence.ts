/**
 * {@link Presence} across relays on one Redis. Each relay records, per user with an open stream on
 * it, "online here until T" in the hash `P online:<user>` (field = instance id, value = T), refreshes
 * those entries every third of {@link PRESENCE_TTL_MS}, and deletes them when the user's last stream
 * on it closes or the relay shuts down. A relay that dies stops refreshing, so its entries stop
 * counting within the TTL.
 */
import type { Redis } from "ioredis";
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import type { LocalStreams } from "../ports/local-streams";
import { toStoreError } from "./redis-connection";
import type { Presence } from "../ports/presence";

const log = createLogger("relay:presence");

/** How long an entry counts without being refreshed. */
const PRESENCE_TTL_MS = 30_000;

/** See the module comment. Call {@link RedisPresence.start} once. */
export class RedisPresence implements Presence {
  private timer: ReturnType<typeof setInterval> | null = null;
  private unlisten: (() => void) | null = null;
  /** Writes in flight, awaited by {@link close} so none outlives the connection. */
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly hub: LocalStreams,
    private readonly instanceId: string,
    private readonly ttlMs: number = PRESENCE_TTL_MS,
  ) {}

  private key(userId: number): string {
    return `${this.prefix}online:${userId}`;
  }

  /** Starts recording this relay's users. */
  start(): void {
    this.unlisten = this.hub.onPresenceChange((userId, online) => {
      const write = online ? this.mark([userId]) : this.client.hdel(this.key(userId), this.instanceId).then(() => undefined);
      this.track(write, `could not record presence of user ${userId}`);
    });
    this.timer = setInterval(() => this.track(this.mark(this.hub.users()), "could not refresh presence"), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  private track(write: Promise<void>, problem: string): void {
    const tracked = write.catch((error: unknown) => log.warn(`${problem}: ${describeError(error)}`));
    this.writes.add(tracked);
    void tracked.finally(() => this.writes.delete(tracked));
  }

  private async mark(users: readonly number[]): Promise<void> {
    if (users.length === 0) return;
    const until = String(Date.now() + this.ttlMs);
    const pipeline = this.client.pipeline();
    for (const userId of users) {
      pipeline.hset(this.key(userId), this.instanceId, until);
      pipeline.pexpire(this.key(userId), this.ttlMs);
    }
    await pipeline.exec();
  }

  async isOnline(userId: number): Promise<boolean> {
    if (this.hub.isOnline(userId)) return true;
    let entries: Record<string, string>;
    try {
      entries = await this.client.hgetall(this.key(userId));
    } catch (error) {
      throw toStoreError(error, "presence");
    }
    const now = Date.now();
    return Object.values(entries).some((until) => Number(until) > now);
  }

  /** Stops refreshing and removes this relay's entries. */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unlisten = null;
    await Promise.all([...this.writes]);
    const users = this.hub.users();
    if (users.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const userId of users) pipeline.hdel(this.key(userId), this.instanceId);
    await pipeline.exec().catch((error: unknown) => log.warn(`could not clear presence: ${describeError(error)}`));
  }
}

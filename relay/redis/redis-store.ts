/**
 * The store for several relays behind a load balancer: the same {@link RelayStore} behaviour as
 * the SQLite store, on one Redis server they all share (`RELAY_STORE=redis://host:port/db`).
 * Every method that changes a job is one Lua script (see `redis-store-scripts.ts`), so claiming a
 * job, recording a result and taking the delivery lock each have exactly one winner across all
 * relays. Durability is Redis': run it with `appendonly yes` to keep jobs across a Redis restart.
 *
 * Beyond the SQLite store, {@link RedisStore.appendEvent} also publishes the event on the bus
 * channel that every relay's `RedisEventBus` listens to, in the same atomic step. Each user's event
 * log is capped at {@link EVENT_LOG_CAP} entries.
 */
import { StoreError } from "../errors";
import { closeRedis, connectRedis } from "./redis-connection";
import type {
  ChatSettings,
  ClaimOutcome,
  Finish,
  FinishOutcome,
  JobRecord,
  Lease,
  NewJob,
  RelayStore,
  StatusKind,
  StoredEvent,
} from "../ports/relay-store";
import { STORE_SCRIPTS } from "./redis-store-scripts";
import { SWEEP_BATCH } from "./scripts/sweep-scripts";
import { jobOrNull, jobs, list, newJobFields, outcome, toFields, toJob, withJob } from "./redis-job-fields";
import { RedisSessionStore } from "./redis-session-store";
import { RedisExportStore } from "./redis-exports";

/** Most events kept per user; older ones are dropped (a session further behind gets a snapshot). */
export const EVENT_LOG_CAP = 1000;
/** Owners' logs pruned per script call, so one call never blocks Redis for long. */
const PRUNE_BATCH = 200;
/** Most jobs `listUndeliveredIds` returns, as in the SQLite store. */
const UNDELIVERED_LIMIT = 100;

const scripts = STORE_SCRIPTS;

/** Opens a connection to `url` and the store on it, with every key under `prefix`. */
export async function openRedisStore(url: string, prefix: string, name = "relay"): Promise<RedisStore> {
  return new RedisStore(await connectRedis(url, { name: `${name}:store` }), prefix);
}

/** {@link RelayStore} on Redis. Create it with {@link openRedisStore}; see the module comment. */
export class RedisStore extends RedisSessionStore implements RelayStore {
  readonly kind = "redis";
  /** Transcript exports kept for Telegram to download, as keys Redis expires itself. */
  readonly exports = new RedisExportStore(this.client, this.prefix);

  /** The pub/sub channel {@link appendEvent} publishes on. */
  get busChannel(): string {
    return `${this.prefix}bus`;
  }

  async getChatSettings(chatId: number): Promise<ChatSettings> {
    const fields = await this.call("getChatSettings", () => this.client.hgetall(this.key("chat", chatId)));
    return { languageHint: fields.lang ?? null, autoMode: fields.auto === "1" };
  }

  async updateChatSettings(chatId: number, patch: Partial<ChatSettings>): Promise<ChatSettings> {
    const key = this.key("chat", chatId);
    const transaction = this.client.multi();
    if (patch.languageHint === null) transaction.hdel(key, "lang");
    else if (patch.languageHint !== undefined) transaction.hset(key, "lang", patch.languageHint);
    if (patch.autoMode !== undefined) transaction.hset(key, "auto", patch.autoMode ? "1" : "0");
    await this.transact("updateChatSettings", transaction);
    return this.getChatSettings(chatId);
  }

  async insertJob(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    const answer = list(await this.run(scripts.insertJob, job.chatId, job.sourceMessageId, job.id, ...newJobFields(job)), "insert answer");
    const [created, stored] = answer;
    return { job: withJob("insert", jobOrNull(stored), "insert"), created: created === 1 };
  }

  async activateJob(id: string, statusMessageId: number | null, statusKind: StatusKind | null): Promise<JobRecord | null> {
    return jobOrNull(await this.run(scripts.activateJob, id, statusMessageId === null ? "" : String(statusMessageId), statusKind ?? ""));
  }

  async setStatusKind(id: string, statusKind: StatusKind): Promise<void> {
    await this.run(scripts.setStatusKind, id, statusKind);
  }

  async getJob(id: string): Promise<JobRecord | null> {
    const fields = await this.call("getJob", () => this.client.hgetall(this.key("job", id)));
    return fields.id === undefined ? null : toJob(fields);
  }

  async findJobByMessage(chatId: number, messageId: number): Promise<JobRecord | null> {
    return jobOrNull(await this.run(scripts.findJobByMessage, chatId, messageId));
  }

  async listOpenJobs(ownerId: number): Promise<JobRecord[]> {
    return jobs(await this.run(scripts.listOpenJobs, ownerId));
  }

  async listJobsToRemind(expiresBy: number): Promise<JobRecord[]> {
    // Pending jobs are scored by expiry; the few due are read one by one.
    const ids = await this.call("listJobsToRemind", () => this.client.zrangebyscore(this.key("jobs", "pending"), "-inf", expiresBy, "LIMIT", 0, UNDELIVERED_LIMIT));
    const found = await Promise.all(ids.map((id) => this.getJob(id)));
    return found.filter((job): job is JobRecord => job !== null && job.state === "pending" && job.statusKind === "waiting" && job.statusMessageId !== null);
  }

  async countOpenJobs(): Promise<number> {
    const counts = await this.call("countOpenJobs", () =>
      Promise.all([this.client.zcard(this.key("jobs", "new")), this.client.zcard(this.key("jobs", "pending")), this.client.zcard(this.key("jobs", "claimed"))]),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async claimJob(id: string, ownerId: number, lease: Lease, now: number): Promise<ClaimOutcome> {
    const answer = outcome(await this.run(scripts.claimJob, id, ownerId, lease.token, lease.sessionId, lease.expiresAt, now), "claim answer");
    switch (answer.kind) {
      case "not-found":
        return { kind: "not-found" };
      case "claimed":
      case "taken":
      case "finished":
        return { kind: answer.kind, job: withJob(answer.kind, answer.job, "claim") };
      default:
        throw new StoreError(`Redis answered claim with "${answer.kind}"`);
    }
  }

  async renewLease(id: string, ownerId: number, token: string, expiresAt: number): Promise<JobRecord | null> {
    return jobOrNull(await this.run(scripts.renewLease, id, ownerId, token, expiresAt));
  }

  async releaseJob(id: string, ownerId: number, token: string): Promise<JobRecord | null> {
    return jobOrNull(await this.run(scripts.releaseJob, id, ownerId, token));
  }

  async finishJob(id: string, ownerId: number, token: string, finish: Finish, now: number): Promise<FinishOutcome> {
    const args =
      finish.kind === "done"
        ? ["done", finish.result.text, JSON.stringify(finish.result.segments), finish.result.language ?? "", finish.result.language === null ? "0" : "1"]
        : ["failed", finish.message, finish.failureKind ?? ""];
    const answer = outcome(await this.run(scripts.finishJob, id, ownerId, token, now, ...args), "finish answer");
    switch (answer.kind) {
      case "not-found":
        return { kind: "not-found" };
      case "finished":
      case "duplicate":
      case "conflict":
        return { kind: answer.kind, job: withJob(answer.kind, answer.job, "finish") };
      default:
        throw new StoreError(`Redis answered finish with "${answer.kind}"`);
    }
  }

  async requeueJob(id: string, expiresAt: number): Promise<JobRecord | null> {
    return jobOrNull(await this.run(scripts.requeueJob, id, expiresAt));
  }

  async expireLeases(now: number): Promise<JobRecord[]> {
    return jobs(await this.run(scripts.expireLeases, now, SWEEP_BATCH));
  }

  async expireJobs(now: number): Promise<JobRecord[]> {
    return jobs(await this.run(scripts.expireJobs, now, SWEEP_BATCH));
  }

  async activateStaleJobs(createdBefore: number): Promise<JobRecord[]> {
    return jobs(await this.run(scripts.activateStaleJobs, createdBefore, SWEEP_BATCH));
  }

  async lockDelivery(id: string, now: number, until: number): Promise<JobRecord | null> {
    return jobOrNull(await this.run(scripts.lockDelivery, id, now, until));
  }

  async markDelivered(id: string): Promise<void> {
    await this.run(scripts.markDelivered, id);
  }

  async markDeliveryFailed(id: string): Promise<void> {
    await this.run(scripts.markDeliveryFailed, id);
  }

  async redeliver(id: string): Promise<JobRecord | null> {
    return jobOrNull(await this.run(scripts.redeliver, id));
  }

  async deferDelivery(id: string, until: number): Promise<void> {
    await this.run(scripts.deferDelivery, id, until);
  }

  async postponeDelivery(id: string, until: number): Promise<void> {
    await this.run(scripts.postponeDelivery, id, until);
  }

  async recordDeliveryPart(id: string, index: number, messageId: number): Promise<void> {
    await this.run(scripts.recordDeliveryPart, id, index, messageId);
  }

  async listUndeliveredIds(now: number): Promise<string[]> {
    return this.call("listUndeliveredIds", () => this.client.zrangebyscore(this.key("jobs", "undelivered"), "-inf", now, "LIMIT", 0, UNDELIVERED_LIMIT));
  }

  /** Appends to the owner's log and publishes the event on {@link busChannel}, in one step. */
  async appendEvent(ownerId: number, name: string, data: string, now: number): Promise<StoredEvent> {
    const id = await this.run(scripts.appendEvent, ownerId, name, data, now, EVENT_LOG_CAP);
    if (typeof id !== "number") throw new StoreError("appending an event returned no id");
    return { id, ownerId, name, data, createdAt: now };
  }

  async eventsAfter(ownerId: number, afterId: number, limit: number): Promise<StoredEvent[]> {
    const entries = await this.call("eventsAfter", () => this.client.xrange(this.key("events", ownerId), `${afterId}-1`, "+", "COUNT", limit));
    return entries.map(([entryId, flat]) => {
      const fields = toFields(flat, "event");
      return { id: Number(entryId.split("-")[0]), ownerId, name: fields.n ?? "", data: fields.d ?? "", createdAt: Number(fields.t ?? 0) };
    });
  }

  async eventBounds(ownerId: number): Promise<{ oldest: number; latest: number }> {
    const [latest, floor] = await this.call("eventBounds", () =>
      Promise.all([this.client.get(this.key("events", "seq", ownerId)), this.client.hget(this.key("events", "floor"), String(ownerId))]),
    );
    return { oldest: Number(floor ?? 0) + 1, latest: Number(latest ?? 0) };
  }

  async prune(before: number, now: number): Promise<void> {
    for (let round = 0; round < 50; round += 1) {
      const looked = await this.run(scripts.prune, before, now, PRUNE_BATCH);
      if (typeof looked !== "number" || looked < PRUNE_BATCH) return;
    }
  }

  /** Walks every job key with SCAN (no index needed), deleting finished ones past the cut-off page by page. */
  async purgeFinishedJobs(finishedBefore: number): Promise<number> {
    let cursor = "0";
    let count = 0;
    do {
      const [next, keys] = await this.call("purgeFinishedJobs", () => this.client.scan(cursor, "MATCH", `${this.key("job")}:*`, "COUNT", 500));
      cursor = next;
      const ids = keys.map((key) => key.slice(this.key("job").length + 1));
      if (ids.length > 0) count += Number(await this.run(scripts.purgeFinishedJobs, finishedBefore, ...ids));
    } while (cursor !== "0");
    return count;
  }

  /** Closes the connection; close the other users of {@link client} first. */
  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}

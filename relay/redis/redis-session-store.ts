/**
 * The session half of the Redis store, and the connection helpers both halves use: sessions
 * (token hashes, last use, per-user sets, the time indexes pruning reads), `/unlink` times and
 * one-time link codes. {@link RedisStore} extends it with jobs, chats and events.
 */
import type { ChainableCommander, Redis } from "ioredis";
import { toStoreError } from "./redis-connection";
import type { LinkCodeRecord, SessionRecord } from "../ports/relay-store";
import type { RedisScript } from "./redis-script";
import { STORE_SCRIPTS } from "./redis-store-scripts";
import { toUser } from "../ports/stored-values";
import { toFields } from "./redis-job-fields";

const scripts = STORE_SCRIPTS;

/** Use only through {@link RedisStore}; split out to keep each file about one concern. */
export class RedisSessionStore {
  constructor(
    /** The connection; other parts of the relay (presence, leader lease) share it. */
    readonly client: Redis,
    /** Starts every key and the bus channel. */
    readonly prefix: string,
  ) {}

  protected key(...parts: Array<string | number>): string {
    return this.prefix + parts.join(":");
  }

  protected run(script: RedisScript, ...args: Array<string | number>): Promise<unknown> {
    return script.run(this.client, [this.prefix, ...args]);
  }

  /** Runs plain commands; failures become a StoreError (StoreUnavailableError when Redis is unreachable). */
  protected async call<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw toStoreError(error, what);
    }
  }

  /** Runs a MULTI/EXEC transaction, failing on any command's error. */
  protected async transact(what: string, transaction: ChainableCommander): Promise<void> {
    const results = await this.call(what, () => transaction.exec());
    if (results === null) throw toStoreError(new Error("the transaction was aborted"), what);
    for (const [error] of results) if (error !== null) throw toStoreError(error, what);
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.transact(
      "createSession",
      this.client
        .multi()
        .hset(this.key("session", session.tokenHash), { user: JSON.stringify(session.user), uid: String(session.user.id), created: String(session.createdAt), seen: String(session.lastSeenAt) })
        .sadd(this.key("sessions", session.user.id), session.tokenHash)
        .zadd(this.key("sessions-seen"), session.lastSeenAt, session.tokenHash)
        .zadd(this.key("sessions-created"), session.createdAt, session.tokenHash),
    );
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const fields = await this.call("findSession", () => this.client.hgetall(this.key("session", tokenHash)));
    const user = fields.user;
    if (user === undefined) return null;
    const createdAt = Number(fields.created ?? 0);
    return { tokenHash, user: toUser(user), createdAt, lastSeenAt: Number(fields.seen ?? createdAt) };
  }

  async touchSession(tokenHash: string, now: number): Promise<void> {
    await this.run(scripts.touchSession, tokenHash, now);
  }

  async listUserSessions(userId: number): Promise<SessionRecord[]> {
    const hashes = await this.call("listUserSessions", () => this.client.smembers(this.key("sessions", userId)));
    const found = await Promise.all(hashes.map((hash) => this.findSession(hash)));
    return found.filter((s): s is SessionRecord => s !== null).sort((a, b) => a.createdAt - b.createdAt || a.tokenHash.localeCompare(b.tokenHash));
  }

  async pruneSessions(idleBefore: number, createdBefore: number): Promise<number> {
    const count = await this.run(scripts.pruneSessions, idleBefore, createdBefore);
    return typeof count === "number" ? count : 0;
  }

  async setUnlinkedAt(userId: number, at: number): Promise<void> {
    const previous = await this.findUnlinkedAt(userId);
    if (previous === null || previous < at) await this.call("setUnlinkedAt", () => this.client.set(this.key("unlinked", userId), String(at)));
  }

  async findUnlinkedAt(userId: number): Promise<number | null> {
    const text = await this.call("findUnlinkedAt", () => this.client.get(this.key("unlinked", userId)));
    return text === null ? null : Number(text);
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    return (await this.run(scripts.deleteSession, tokenHash)) === 1;
  }

  async deleteUserSessions(userId: number): Promise<number> {
    const count = await this.run(scripts.deleteUserSessions, userId);
    return typeof count === "number" ? count : 0;
  }

  async saveLinkCode(code: LinkCodeRecord): Promise<void> {
    await this.transact(
      "saveLinkCode",
      this.client
        .multi()
        .hset(this.key("link", code.codeHash), { user: JSON.stringify(code.user), expires: String(code.expiresAt) })
        .zadd(this.key("link-codes"), code.expiresAt, code.codeHash),
    );
  }

  async takeLinkCode(codeHash: string, now: number): Promise<LinkCodeRecord | null> {
    const value = await this.run(scripts.takeLinkCode, codeHash);
    if (value === null) return null;
    const fields = toFields(value, "link code");
    const expiresAt = Number(fields.expires ?? 0);
    if (fields.user === undefined || expiresAt <= now) return null;
    return { codeHash, user: toUser(fields.user), expiresAt };
  }
}

/**
 * The default store: one SQLite file through better-sqlite3, in WAL mode so the relay survives a
 * crash (even SIGKILL) with every committed job, lease and result intact. better-sqlite3 is
 * synchronous and each statement is atomic, which gives `claimJob` and `finishJob` their
 * one-winner guarantee inside one process; the methods are async only to fit the store interface.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "../errors";
import { toUser } from "../ports/stored-values";
import { toEvent, toJob, type JobRow, type SessionRow } from "./sqlite-rows";
import { ADDED_JOB_COLUMNS, MIGRATE_FROM_1, SCHEMA, SCHEMA_VERSION } from "./sqlite-schema";
import { isRecord } from "../../lib/guards";
import { prepareStatements, type Statements } from "./sqlite-statements";
import { SqliteExportStore } from "./sqlite-exports";
import type { ChatSettings, ClaimOutcome, Finish, FinishOutcome, JobRecord, Lease, LinkCodeRecord, NewJob, RelayStore, SessionRecord, StatusKind, StoredEvent } from "../ports/relay-store";

/** Opens (and creates or migrates) the SQLite store at `path`; `":memory:"` keeps it in memory. */
export function openSqliteStore(path: string): SqliteStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StoreError(`cannot open the SQLite store at "${path}"`, { cause: error, context: { path } });
  }
  return new SqliteStore(db);
}

function toSession(row: SessionRow): SessionRecord {
  return { tokenHash: row.token_hash, user: toUser(row.user_json), createdAt: row.created_at, lastSeenAt: row.last_seen_at };
}

/** {@link RelayStore} on SQLite. Create it with {@link openSqliteStore}. */
export class SqliteStore implements RelayStore {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly stmt: Statements;
  /** Transcript exports kept for Telegram to download, in the same file. */
  readonly exports: SqliteExportStore;

  constructor(db: Database.Database) {
    this.db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection, which a busy relay fills
    // within hours and keeps: ~15 MB of RSS for pages the OS file cache holds anyway. SQLite's own
    // default of 2 MB keeps the hot rows (open jobs, recent events) and the relay's memory flat.
    db.pragma("cache_size = -2000");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    const version = db.pragma("user_version", { simple: true });
    if (typeof version === "number" && version > SCHEMA_VERSION) {
      throw new StoreError(`the SQLite store has schema version ${version}; this relay knows ${SCHEMA_VERSION}`);
    }
    if (version === 1) db.exec(MIGRATE_FROM_1);
    db.exec(SCHEMA);
    const info: unknown = db.pragma("table_info(jobs)");
    const columns = new Set(Array.isArray(info) ? info.flatMap((column: unknown) => (isRecord(column) && typeof column.name === "string" ? [column.name] : [])) : []);
    for (const added of ADDED_JOB_COLUMNS) if (!columns.has(added.name)) db.exec(`ALTER TABLE jobs ADD COLUMN ${added.name} ${added.definition}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.stmt = prepareStatements(db);
    this.exports = new SqliteExportStore(db);
  }

  private jobOrNull(row: JobRow | undefined): JobRecord | null {
    return row === undefined ? null : toJob(row);
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.stmt.insertSession.run(session.tokenHash, session.user.id, JSON.stringify(session.user), session.createdAt, session.lastSeenAt);
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.stmt.findSession.get(tokenHash);
    return row === undefined ? null : toSession(row);
  }

  async touchSession(tokenHash: string, now: number): Promise<void> {
    this.stmt.touchSession.run(now, tokenHash);
  }

  async listUserSessions(userId: number): Promise<SessionRecord[]> {
    return this.stmt.userSessions.all(userId).map(toSession);
  }

  async pruneSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return this.stmt.pruneSessions.run(idleBefore, createdBefore).changes;
  }

  async setUnlinkedAt(userId: number, at: number): Promise<void> {
    this.stmt.setUnlinkedAt.run(userId, at);
  }

  async findUnlinkedAt(userId: number): Promise<number | null> {
    return this.stmt.findUnlinkedAt.get(userId)?.unlinked_at ?? null;
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    return this.stmt.deleteSession.run(tokenHash).changes > 0;
  }

  async deleteUserSessions(userId: number): Promise<number> {
    return this.stmt.deleteUserSessions.run(userId).changes;
  }

  async saveLinkCode(code: LinkCodeRecord): Promise<void> {
    this.stmt.saveLinkCode.run(code.codeHash, JSON.stringify(code.user), code.expiresAt);
  }

  async takeLinkCode(codeHash: string, now: number): Promise<LinkCodeRecord | null> {
    const row = this.stmt.takeLinkCode.get(codeHash);
    if (row === undefined || row.expires_at <= now) return null;
    return { codeHash: row.code_hash, user: toUser(row.user_json), expiresAt: row.expires_at };
  }

  async getChatSettings(chatId: number): Promise<ChatSettings> {
    const row = this.stmt.getChat.get(chatId);
    return { languageHint: row?.language_hint ?? null, autoMode: row?.auto_mode === 1 };
  }

  async updateChatSettings(chatId: number, patch: Partial<ChatSettings>): Promise<ChatSettings> {
    const update = this.db.transaction((): ChatSettings => {
      const row = this.stmt.getChat.get(chatId);
      const next: ChatSettings = {
        languageHint: patch.languageHint === undefined ? (row?.language_hint ?? null) : patch.languageHint,
        autoMode: patch.autoMode ?? row?.auto_mode === 1,
      };
      this.stmt.upsertChat.run(chatId, next.languageHint, next.autoMode ? 1 : 0);
      return next;
    });
    return update.immediate();
  }

  async insertJob(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    const m = job.media;
    const info = this.stmt.insertJob.run(
      job.id, job.ownerId, job.chatId, job.sourceMessageId, m.fileId, m.fileUniqueId, m.kind, m.duration, m.mime, m.size,
      m.fileName, job.languageHint, job.createdAt, job.expiresAt, job.ownerLocale ?? null,
      job.ownerLanguageCode ?? null,
    );
    const row = this.stmt.jobBySource.get(job.chatId, job.sourceMessageId);
    if (row === undefined) throw new StoreError(`job for message ${job.sourceMessageId} vanished after insert`);
    return { job: toJob(row), created: info.changes > 0 };
  }

  async activateJob(id: string, statusMessageId: number | null, statusKind: StatusKind | null): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.activate.get(statusMessageId, statusKind, id));
  }

  async setStatusKind(id: string, statusKind: StatusKind): Promise<void> {
    this.stmt.setStatusKind.run(statusKind, id);
  }

  async getJob(id: string): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.jobById.get(id));
  }

  async findJobByMessage(chatId: number, messageId: number): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.jobBySource.get(chatId, messageId) ?? this.stmt.jobByStatus.get(chatId, messageId));
  }

  async listOpenJobs(ownerId: number): Promise<JobRecord[]> {
    return this.stmt.openJobs.all(ownerId).map(toJob);
  }

  async listJobsToRemind(expiresBy: number): Promise<JobRecord[]> {
    return this.stmt.toRemind.all(expiresBy).map(toJob);
  }

  async countOpenJobs(): Promise<number> {
    return this.stmt.countOpen.get()?.n ?? 0;
  }

  async claimJob(id: string, ownerId: number, lease: Lease, now: number): Promise<ClaimOutcome> {
    const claim = this.db.transaction((): ClaimOutcome => {
      const current = this.stmt.jobById.get(id);
      if (current === undefined || current.owner_id !== ownerId) return { kind: "not-found" };
      const job = toJob(current);
      if (job.state === "claimed" && job.lease !== null && job.lease.sessionId === lease.sessionId && job.lease.expiresAt > now) {
        return { kind: "claimed", job };
      }
      const row = this.stmt.claim.get(lease.token, lease.sessionId, lease.expiresAt, id, ownerId, now);
      if (row !== undefined) return { kind: "claimed", job: toJob(row) };
      if (job.state === "done" || job.state === "failed" || job.state === "expired") return { kind: "finished", job };
      if (job.state === "new") return { kind: "not-found" };
      return { kind: "taken", job };
    });
    return claim.immediate();
  }

  async renewLease(id: string, ownerId: number, token: string, expiresAt: number): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.renew.get(expiresAt, id, ownerId, token));
  }

  async releaseJob(id: string, ownerId: number, token: string): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.release.get(id, ownerId, token));
  }

  async finishJob(id: string, ownerId: number, token: string, finish: Finish, now: number): Promise<FinishOutcome> {
    const run = this.db.transaction((): FinishOutcome => {
      const row =
        finish.kind === "done"
          ? this.stmt.finishDone.get(finish.result.text, JSON.stringify(finish.result.segments), finish.result.language, now, id, ownerId, token)
          : this.stmt.finishFailed.get(finish.message, finish.failureKind ?? null, now, id, ownerId, token);
      if (row !== undefined) return { kind: "finished", job: toJob(row) };
      const current = this.stmt.jobById.get(id);
      if (current === undefined || current.owner_id !== ownerId) return { kind: "not-found" };
      const job = toJob(current);
      const final = job.state === "done" || job.state === "failed";
      if (final && job.lease?.token === token) return { kind: "duplicate", job };
      return { kind: "conflict", job };
    });
    return run.immediate();
  }

  async requeueJob(id: string, expiresAt: number): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.requeue.get(expiresAt, id));
  }

  async expireLeases(now: number): Promise<JobRecord[]> {
    return this.stmt.expireLeases.all(now).map(toJob);
  }

  async expireJobs(now: number): Promise<JobRecord[]> {
    return this.stmt.expireJobs.all(now, now).map(toJob);
  }

  async activateStaleJobs(createdBefore: number): Promise<JobRecord[]> {
    return this.stmt.activateStale.all(createdBefore).map(toJob);
  }

  async lockDelivery(id: string, now: number, until: number): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.lockDelivery.get(until, id, now));
  }

  async markDelivered(id: string): Promise<void> {
    this.stmt.markDelivered.run(id);
  }

  async markDeliveryFailed(id: string): Promise<void> {
    this.stmt.markDeliveryFailed.run(id);
  }

  async redeliver(id: string): Promise<JobRecord | null> {
    return this.jobOrNull(this.stmt.redeliver.get(id));
  }

  async deferDelivery(id: string, until: number): Promise<void> {
    this.stmt.deferDelivery.run(until, id);
  }

  async postponeDelivery(id: string, until: number): Promise<void> {
    this.stmt.postponeDelivery.run(until, id);
  }

  async recordDeliveryPart(id: string, index: number, messageId: number): Promise<void> {
    this.stmt.recordDeliveryPart.run(index, messageId, id);
  }

  async listUndeliveredIds(now: number): Promise<string[]> {
    return this.stmt.undelivered.all(now).map((row) => row.id);
  }

  async appendEvent(ownerId: number, name: string, data: string, now: number): Promise<StoredEvent> {
    const row = this.db.transaction(() => {
      const seq = this.stmt.nextEventSeq.get(ownerId)?.last_seq;
      if (seq === undefined) throw new StoreError("counting an event returned nothing");
      return this.stmt.appendEvent.get(ownerId, name, data, now, seq);
    })();
    if (row === undefined) throw new StoreError("appending an event returned nothing");
    return toEvent(row);
  }

  async eventsAfter(ownerId: number, afterId: number, limit: number): Promise<StoredEvent[]> {
    return this.stmt.eventsAfter.all(ownerId, afterId, limit).map(toEvent);
  }

  /** Each user's ids count on their own; `latest` is the user's own counter. */
  async eventBounds(ownerId: number): Promise<{ oldest: number; latest: number }> {
    const row = this.stmt.eventBounds.get(ownerId, ownerId);
    const latest = row?.latest ?? 0;
    return { oldest: row?.oldest ?? latest + 1, latest };
  }

  async purgeFinishedJobs(finishedBefore: number): Promise<number> {
    return this.stmt.purgeFinishedJobs.run(finishedBefore).changes;
  }

  async prune(before: number, now: number): Promise<void> {
    this.stmt.pruneEvents.run(before);
    this.stmt.pruneLinkCodes.run(now);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

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
import { toKind, toSegments, toState, toUser } from "../ports/stored-values";
import type {
  ChatSettings,
  ClaimOutcome,
  Finish,
  FinishOutcome,
  JobRecord,
  JobResult,
  Lease,
  LinkCodeRecord,
  NewJob,
  RelayStore,
  SessionRecord,
  StatusKind,
  StoredEvent,
} from "../ports/relay-store";

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  user_json TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);

CREATE TABLE IF NOT EXISTS link_codes (
  code_hash TEXT PRIMARY KEY,
  user_json TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS chat_settings (
  chat_id INTEGER PRIMARY KEY,
  language_hint TEXT,
  auto_mode INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  owner_id INTEGER NOT NULL,
  chat_id INTEGER NOT NULL,
  source_message_id INTEGER NOT NULL,
  file_id TEXT NOT NULL,
  file_unique_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  duration REAL,
  mime TEXT,
  size INTEGER,
  file_name TEXT,
  language_hint TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  status_message_id INTEGER,
  status_kind TEXT,
  lease_token TEXT,
  lease_session TEXT,
  lease_expires_at INTEGER,
  result_text TEXT,
  result_segments TEXT,
  result_language TEXT,
  failure_message TEXT,
  finished_at INTEGER,
  delivered INTEGER NOT NULL DEFAULT 0,
  delivery_lock_until INTEGER,
  delivery_attempts INTEGER NOT NULL DEFAULT 0,
  UNIQUE (chat_id, source_message_id)
);
CREATE INDEX IF NOT EXISTS jobs_owner_state ON jobs (owner_id, state);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_status_message ON jobs (chat_id, status_message_id);

CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_owner ON events (owner_id, id);
`;

interface JobRow {
  id: string;
  owner_id: number;
  chat_id: number;
  source_message_id: number;
  file_id: string;
  file_unique_id: string;
  kind: string;
  duration: number | null;
  mime: string | null;
  size: number | null;
  file_name: string | null;
  language_hint: string | null;
  created_at: number;
  expires_at: number;
  state: string;
  status_message_id: number | null;
  status_kind: string | null;
  lease_token: string | null;
  lease_session: string | null;
  lease_expires_at: number | null;
  result_text: string | null;
  result_segments: string | null;
  result_language: string | null;
  failure_message: string | null;
  finished_at: number | null;
  delivered: number;
  delivery_attempts: number;
}

interface SessionRow {
  token_hash: string;
  user_json: string;
  created_at: number;
}

interface LinkCodeRow {
  code_hash: string;
  user_json: string;
  expires_at: number;
}

interface ChatRow {
  language_hint: string | null;
  auto_mode: number;
}

interface EventRow {
  id: number;
  owner_id: number;
  name: string;
  data: string;
  created_at: number;
}

function toStatusKind(value: string | null): StatusKind | null {
  return value === "waiting" || value === "working" ? value : null;
}

function toJob(row: JobRow): JobRecord {
  const lease: Lease | null =
    row.lease_token !== null && row.lease_session !== null
      ? { token: row.lease_token, sessionId: row.lease_session, expiresAt: row.lease_expires_at ?? 0 }
      : null;
  const result: JobResult | null =
    row.result_text !== null
      ? { text: row.result_text, segments: toSegments(row.result_segments, row.id), language: row.result_language }
      : null;
  return {
    id: row.id,
    ownerId: row.owner_id,
    chatId: row.chat_id,
    sourceMessageId: row.source_message_id,
    media: {
      fileId: row.file_id,
      fileUniqueId: row.file_unique_id,
      kind: toKind(row.kind, row.id),
      duration: row.duration,
      mime: row.mime,
      size: row.size,
      fileName: row.file_name,
    },
    languageHint: row.language_hint,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    state: toState(row.state, row.id),
    statusMessageId: row.status_message_id,
    statusKind: toStatusKind(row.status_kind),
    lease,
    result,
    failureMessage: row.failure_message,
    finishedAt: row.finished_at,
    delivered: row.delivered === 1,
    deliveryAttempts: row.delivery_attempts,
  };
}

function prepareStatements(db: Database.Database) {
  return {
    insertSession: db.prepare<[string, number, string, number]>(
      "INSERT INTO sessions (token_hash, user_id, user_json, created_at) VALUES (?, ?, ?, ?)",
    ),
    findSession: db.prepare<[string], SessionRow>("SELECT token_hash, user_json, created_at FROM sessions WHERE token_hash = ?"),
    deleteSession: db.prepare<[string]>("DELETE FROM sessions WHERE token_hash = ?"),
    deleteUserSessions: db.prepare<[number]>("DELETE FROM sessions WHERE user_id = ?"),
    saveLinkCode: db.prepare<[string, string, number]>(
      "INSERT OR REPLACE INTO link_codes (code_hash, user_json, expires_at) VALUES (?, ?, ?)",
    ),
    takeLinkCode: db.prepare<[string], LinkCodeRow>("DELETE FROM link_codes WHERE code_hash = ? RETURNING code_hash, user_json, expires_at"),
    getChat: db.prepare<[number], ChatRow>("SELECT language_hint, auto_mode FROM chat_settings WHERE chat_id = ?"),
    upsertChat: db.prepare<[number, string | null, number]>(
      `INSERT INTO chat_settings (chat_id, language_hint, auto_mode) VALUES (?, ?, ?)
       ON CONFLICT (chat_id) DO UPDATE SET language_hint = excluded.language_hint, auto_mode = excluded.auto_mode`,
    ),
    insertJob: db.prepare<
      [string, number, number, number, string, string, string, number | null, string | null, number | null, string | null, string | null, number, number]
    >(
      `INSERT INTO jobs (id, owner_id, chat_id, source_message_id, file_id, file_unique_id, kind, duration, mime, size,
         file_name, language_hint, created_at, expires_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new')
       ON CONFLICT (chat_id, source_message_id) DO NOTHING`,
    ),
    jobById: db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE id = ?"),
    jobBySource: db.prepare<[number, number], JobRow>("SELECT * FROM jobs WHERE chat_id = ? AND source_message_id = ?"),
    jobByStatus: db.prepare<[number, number], JobRow>("SELECT * FROM jobs WHERE chat_id = ? AND status_message_id = ?"),
    activate: db.prepare<[number | null, string | null, string], JobRow>(
      "UPDATE jobs SET state = 'pending', status_message_id = ?, status_kind = ? WHERE id = ? AND state = 'new' RETURNING *",
    ),
    setStatusKind: db.prepare<[string, string]>("UPDATE jobs SET status_kind = ? WHERE id = ?"),
    openJobs: db.prepare<[number], JobRow>(
      "SELECT * FROM jobs WHERE owner_id = ? AND state IN ('pending', 'claimed') ORDER BY created_at, id",
    ),
    countOpen: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('new', 'pending', 'claimed')"),
    claim: db.prepare<[string, string, number, string, number, number], JobRow>(
      `UPDATE jobs SET state = 'claimed', lease_token = ?, lease_session = ?, lease_expires_at = ?
       WHERE id = ? AND owner_id = ? AND (state = 'pending' OR (state = 'claimed' AND lease_expires_at <= ?))
       RETURNING *`,
    ),
    renew: db.prepare<[number, string, number, string], JobRow>(
      `UPDATE jobs SET state = 'claimed', lease_expires_at = ?
       WHERE id = ? AND owner_id = ? AND lease_token = ? AND state IN ('pending', 'claimed') RETURNING *`,
    ),
    release: db.prepare<[string, number, string], JobRow>(
      `UPDATE jobs SET state = 'pending', lease_expires_at = NULL
       WHERE id = ? AND owner_id = ? AND lease_token = ? AND state = 'claimed' RETURNING *`,
    ),
    finishDone: db.prepare<[string, string, string | null, number, string, number, string], JobRow>(
      `UPDATE jobs SET state = 'done', result_text = ?, result_segments = ?, result_language = ?, finished_at = ?,
         lease_expires_at = NULL, delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0
       WHERE id = ? AND owner_id = ? AND lease_token = ? AND state IN ('pending', 'claimed') RETURNING *`,
    ),
    finishFailed: db.prepare<[string, number, string, number, string], JobRow>(
      `UPDATE jobs SET state = 'failed', failure_message = ?, finished_at = ?, lease_expires_at = NULL,
         delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0
       WHERE id = ? AND owner_id = ? AND lease_token = ? AND state IN ('pending', 'claimed') RETURNING *`,
    ),
    requeue: db.prepare<[number, string], JobRow>(
      `UPDATE jobs SET state = 'pending', expires_at = ?, lease_token = NULL, lease_session = NULL, lease_expires_at = NULL,
         result_text = NULL, result_segments = NULL, result_language = NULL, failure_message = NULL, finished_at = NULL,
         delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0, status_kind = 'waiting'
       WHERE id = ? AND state IN ('failed', 'expired') RETURNING *`,
    ),
    expireLeases: db.prepare<[number], JobRow>(
      "UPDATE jobs SET state = 'pending' WHERE state = 'claimed' AND lease_expires_at <= ? RETURNING *",
    ),
    expireJobs: db.prepare<[number, number], JobRow>(
      `UPDATE jobs SET state = 'expired', finished_at = ?, delivered = 0, delivery_lock_until = NULL
       WHERE state = 'pending' AND expires_at <= ? RETURNING *`,
    ),
    activateStale: db.prepare<[number], JobRow>(
      "UPDATE jobs SET state = 'pending' WHERE state = 'new' AND created_at < ? RETURNING *",
    ),
    lockDelivery: db.prepare<[number, string, number], JobRow>(
      `UPDATE jobs SET delivery_lock_until = ?, delivery_attempts = delivery_attempts + 1
       WHERE id = ? AND state IN ('done', 'failed', 'expired') AND delivered = 0
         AND (delivery_lock_until IS NULL OR delivery_lock_until <= ?) RETURNING *`,
    ),
    markDelivered: db.prepare<[string]>("UPDATE jobs SET delivered = 1, delivery_lock_until = NULL WHERE id = ?"),
    deferDelivery: db.prepare<[number, string]>("UPDATE jobs SET delivery_lock_until = ? WHERE id = ? AND delivered = 0"),
    undelivered: db.prepare<[number], { id: string }>(
      `SELECT id FROM jobs WHERE state IN ('done', 'failed', 'expired') AND delivered = 0
         AND (delivery_lock_until IS NULL OR delivery_lock_until <= ?) ORDER BY finished_at LIMIT 100`,
    ),
    appendEvent: db.prepare<[number, string, string, number], EventRow>(
      "INSERT INTO events (owner_id, name, data, created_at) VALUES (?, ?, ?, ?) RETURNING *",
    ),
    eventsAfter: db.prepare<[number, number, number], EventRow>(
      "SELECT * FROM events WHERE owner_id = ? AND id > ? ORDER BY id LIMIT ?",
    ),
    eventBounds: db.prepare<[], { oldest: number | null; latest: number | null }>(
      "SELECT MIN(id) AS oldest, (SELECT seq FROM sqlite_sequence WHERE name = 'events') AS latest FROM events",
    ),
    pruneEvents: db.prepare<[number]>("DELETE FROM events WHERE created_at < ?"),
    pruneLinkCodes: db.prepare<[number]>("DELETE FROM link_codes WHERE expires_at <= ?"),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

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

/** {@link RelayStore} on SQLite. Create it with {@link openSqliteStore}. */
export class SqliteStore implements RelayStore {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly stmt: Statements;

  constructor(db: Database.Database) {
    this.db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    const version = db.pragma("user_version", { simple: true });
    if (typeof version === "number" && version > SCHEMA_VERSION) {
      throw new StoreError(`the SQLite store has schema version ${version}; this relay knows ${SCHEMA_VERSION}`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.stmt = prepareStatements(db);
  }


  private jobOrNull(row: JobRow | undefined): JobRecord | null {
    return row === undefined ? null : toJob(row);
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.stmt.insertSession.run(session.tokenHash, session.user.id, JSON.stringify(session.user), session.createdAt);
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.stmt.findSession.get(tokenHash);
    return row === undefined ? null : { tokenHash: row.token_hash, user: toUser(row.user_json), createdAt: row.created_at };
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
      m.fileName, job.languageHint, job.createdAt, job.expiresAt,
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
          : this.stmt.finishFailed.get(finish.message, now, id, ownerId, token);
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

  async deferDelivery(id: string, until: number): Promise<void> {
    this.stmt.deferDelivery.run(until, id);
  }

  async listUndeliveredIds(now: number): Promise<string[]> {
    return this.stmt.undelivered.all(now).map((row) => row.id);
  }

  async appendEvent(ownerId: number, name: string, data: string, now: number): Promise<StoredEvent> {
    const row = this.stmt.appendEvent.get(ownerId, name, data, now);
    if (row === undefined) throw new StoreError("appending an event returned nothing");
    return toEvent(row);
  }

  async eventsAfter(ownerId: number, afterId: number, limit: number): Promise<StoredEvent[]> {
    return this.stmt.eventsAfter.all(ownerId, afterId, limit).map(toEvent);
  }

  /** One log for all users, pruned oldest first: the global oldest id holds for every owner. */
  async eventBounds(_ownerId: number): Promise<{ oldest: number; latest: number }> {
    const row = this.stmt.eventBounds.get();
    const latest = row?.latest ?? 0;
    return { oldest: row?.oldest ?? latest + 1, latest };
  }

  async prune(before: number, now: number): Promise<void> {
    this.stmt.pruneEvents.run(before);
    this.stmt.pruneLinkCodes.run(now);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toEvent(row: EventRow): StoredEvent {
  return { id: row.id, ownerId: row.owner_id, name: row.name, data: row.data, createdAt: row.created_at };
}

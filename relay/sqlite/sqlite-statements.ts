/** The SQL of the SQLite store, one prepared statement per store operation. */
import type Database from "better-sqlite3";
import type { ChatRow, EventRow, JobRow, LinkCodeRow, SessionRow } from "./sqlite-rows";

/** Prepares every statement once per database; the store runs only these. */
export function prepareStatements(db: Database.Database) {
  return {
    insertSession: db.prepare<[string, number, string, number, number]>(
      "INSERT INTO sessions (token_hash, user_id, user_json, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
    ),
    findSession: db.prepare<[string], SessionRow>("SELECT token_hash, user_json, created_at, last_seen_at FROM sessions WHERE token_hash = ?"),
    touchSession: db.prepare<[number, string]>("UPDATE sessions SET last_seen_at = MAX(last_seen_at, ?) WHERE token_hash = ?"),
    userSessions: db.prepare<[number], SessionRow>(
      "SELECT token_hash, user_json, created_at, last_seen_at FROM sessions WHERE user_id = ? ORDER BY created_at, token_hash",
    ),
    pruneSessions: db.prepare<[number, number]>("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?"),
    setUnlinkedAt: db.prepare<[number, number]>(
      "INSERT INTO unlinked_users (user_id, unlinked_at) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET unlinked_at = MAX(unlinked_at, excluded.unlinked_at)",
    ),
    findUnlinkedAt: db.prepare<[number], { unlinked_at: number }>("SELECT unlinked_at FROM unlinked_users WHERE user_id = ?"),
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
      [string, number, number, number, string, string, string, number | null, string | null, number | null, string | null, string | null, number, number, string | null, string | null]
    >(
      `INSERT INTO jobs (id, owner_id, chat_id, source_message_id, file_id, file_unique_id, kind, duration, mime, size,
         file_name, language_hint, created_at, expires_at, owner_locale, owner_language_code, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new')
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
         lease_expires_at = NULL, delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0, delivery_parts = NULL
       WHERE id = ? AND owner_id = ? AND lease_token = ? AND state IN ('pending', 'claimed') RETURNING *`,
    ),
    finishFailed: db.prepare<[string, string | null, number, string, number, string], JobRow>(
      `UPDATE jobs SET state = 'failed', failure_message = ?, failure_kind = ?, finished_at = ?, lease_expires_at = NULL,
         delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0, delivery_parts = NULL
       WHERE id = ? AND owner_id = ? AND lease_token = ? AND state IN ('pending', 'claimed') RETURNING *`,
    ),
    requeue: db.prepare<[number, string], JobRow>(
      `UPDATE jobs SET state = 'pending', expires_at = ?, lease_token = NULL, lease_session = NULL, lease_expires_at = NULL,
         result_text = NULL, result_segments = NULL, result_language = NULL, failure_message = NULL, failure_kind = NULL, finished_at = NULL,
         delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0, delivery_parts = NULL, status_kind = 'waiting'
       WHERE id = ? AND state IN ('failed', 'expired') RETURNING *`,
    ),
    toRemind: db.prepare<[number], JobRow>(
      "SELECT * FROM jobs WHERE state = 'pending' AND status_kind = 'waiting' AND status_message_id IS NOT NULL AND expires_at <= ? LIMIT 100",
    ),
    expireLeases: db.prepare<[number], JobRow>(
      "UPDATE jobs SET state = 'pending' WHERE state = 'claimed' AND lease_expires_at <= ? RETURNING *",
    ),
    expireJobs: db.prepare<[number, number], JobRow>(
      `UPDATE jobs SET state = 'expired', finished_at = ?, delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0, delivery_parts = NULL
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
    // `delivered` 2: telling the chat failed for good (0 = not yet, 1 = shown).
    markDeliveryFailed: db.prepare<[string]>("UPDATE jobs SET delivered = 2, delivery_lock_until = NULL WHERE id = ? AND delivered = 0"),
    redeliver: db.prepare<[string], JobRow>(
      "UPDATE jobs SET delivered = 0, delivery_lock_until = NULL, delivery_attempts = 0 WHERE id = ? AND delivered = 2 RETURNING *",
    ),
    postponeDelivery: db.prepare<[number, string]>(
      "UPDATE jobs SET delivery_lock_until = ?, delivery_attempts = MAX(0, delivery_attempts - 1) WHERE id = ? AND delivered = 0",
    ),
    recordDeliveryPart: db.prepare<[number, number, string]>(
      "UPDATE jobs SET delivery_parts = json_set(COALESCE(delivery_parts, '{}'), '$.\"' || ? || '\"', ?) WHERE id = ?",
    ),
    undelivered: db.prepare<[number], { id: string }>(
      `SELECT id FROM jobs WHERE state IN ('done', 'failed', 'expired') AND delivered = 0
         AND (delivery_lock_until IS NULL OR delivery_lock_until <= ?) ORDER BY finished_at LIMIT 100`,
    ),
    nextEventSeq: db.prepare<[number], { last_seq: number }>(
      "INSERT INTO event_counters (owner_id, last_seq) VALUES (?, 1) ON CONFLICT (owner_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
    ),
    appendEvent: db.prepare<[number, string, string, number, number], EventRow>(
      "INSERT INTO events (owner_id, name, data, created_at, seq) VALUES (?, ?, ?, ?, ?) RETURNING *",
    ),
    eventsAfter: db.prepare<[number, number, number], EventRow>(
      "SELECT * FROM events WHERE owner_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    ),
    eventBounds: db.prepare<[number, number], { oldest: number | null; latest: number | null }>(
      "SELECT (SELECT MIN(seq) FROM events WHERE owner_id = ?) AS oldest, (SELECT last_seq FROM event_counters WHERE owner_id = ?) AS latest",
    ),
    pruneEvents: db.prepare<[number]>("DELETE FROM events WHERE created_at < ?"),
    purgeFinishedJobs: db.prepare<[number]>("DELETE FROM jobs WHERE state IN ('done', 'failed', 'expired') AND finished_at < ?"),
    pruneLinkCodes: db.prepare<[number]>("DELETE FROM link_codes WHERE expires_at <= ?"),
  };
}

/** The prepared statements, by name. */
export type Statements = ReturnType<typeof prepareStatements>;

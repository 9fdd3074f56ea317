/** The SQLite store's tables and indexes, and the schema version stamped in `user_version`. */

/** The schema this relay writes; a newer file is refused rather than misread. */
export const SCHEMA_VERSION = 2;

/** Columns added to `jobs` after version 1 was first written; added on open where missing. */
export const ADDED_JOB_COLUMNS: ReadonlyArray<{ readonly name: string; readonly definition: string }> = [
  { name: "delivery_parts", definition: "TEXT" },
  { name: "failure_kind", definition: "TEXT" },
  { name: "owner_locale", definition: "TEXT" },
  { name: "owner_language_code", definition: "TEXT" },
];

/** Creates every table and index if missing (idempotent, run at every open). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  user_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);

CREATE TABLE IF NOT EXISTS unlinked_users (
  user_id INTEGER PRIMARY KEY,
  unlinked_at INTEGER NOT NULL
);

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
  failure_kind TEXT,
  finished_at INTEGER,
  delivered INTEGER NOT NULL DEFAULT 0,
  delivery_lock_until INTEGER,
  delivery_attempts INTEGER NOT NULL DEFAULT 0,
  delivery_parts TEXT,
  owner_locale TEXT,
  owner_language_code TEXT,
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
  created_at INTEGER NOT NULL,
  -- The id the owner sees: counted per user, so one user's ids say nothing about another's activity.
  seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_owner ON events (owner_id, id);
CREATE INDEX IF NOT EXISTS events_owner_seq ON events (owner_id, seq);

CREATE TABLE IF NOT EXISTS event_counters (
  owner_id INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL
);

-- Transcript exports kept a few minutes for Telegram to download (relay/ports/export-store.ts).
CREATE TABLE IF NOT EXISTS exports (
  token_hash TEXT PRIMARY KEY,
  owner_id INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  format TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  downloads_left INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS exports_owner ON exports (owner_id, expires_at);
CREATE INDEX IF NOT EXISTS exports_expiry ON exports (expires_at);
`;

/**
 * Brings a version-1 file up to date: sessions gained `last_seen_at` (their creation time); events
 * gained a per-user `seq`, which continues from the old global ids so no browser's Last-Event-ID
 * goes backwards.
 */
export const MIGRATE_FROM_1 = `
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE events SET seq = id;
CREATE TABLE IF NOT EXISTS event_counters (owner_id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL);
INSERT OR IGNORE INTO event_counters (owner_id, last_seq)
  SELECT owner_id, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) FROM
  (SELECT owner_id FROM events UNION SELECT owner_id FROM jobs UNION SELECT user_id FROM sessions);
`;

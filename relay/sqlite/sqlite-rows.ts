/** The SQLite store's row shapes and their mapping to the store's records. */
import type { JobRecord, JobResult, Lease, StatusKind, StoredEvent } from "../ports/relay-store";
import { toDeliveryParts, toFailureKind, toKind, toSegments, toState } from "../ports/stored-values";

/** A row of the SQLite store, as better-sqlite3 returns it. */
export interface JobRow {
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
  failure_kind: string | null;
  finished_at: number | null;
  delivered: number;
  delivery_attempts: number;
  delivery_parts: string | null;
  owner_locale: string | null;
  owner_language_code: string | null;
}

/** A row of the SQLite store, as better-sqlite3 returns it. */
export interface SessionRow {
  token_hash: string;
  user_json: string;
  created_at: number;
  last_seen_at: number;
}

/** A row of the SQLite store, as better-sqlite3 returns it. */
export interface LinkCodeRow {
  code_hash: string;
  user_json: string;
  expires_at: number;
}

/** A row of the SQLite store, as better-sqlite3 returns it. */
export interface ChatRow {
  language_hint: string | null;
  auto_mode: number;
}

/** A row of the SQLite store, as better-sqlite3 returns it. */
export interface EventRow {
  id: number;
  owner_id: number;
  name: string;
  data: string;
  created_at: number;
  seq: number;
}

function toStatusKind(value: string | null): StatusKind | null {
  return value === "waiting" || value === "working" || value === "reminded" ? value : null;
}

/** The one mapping from a `jobs` row to our job type. */
export function toJob(row: JobRow): JobRecord {
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
    failureKind: toFailureKind(row.failure_kind),
    finishedAt: row.finished_at,
    delivered: row.delivered === 1,
    deliveryFailed: row.delivered === 2,
    deliveryAttempts: row.delivery_attempts,
    deliveryParts: toDeliveryParts(row.delivery_parts),
    ...(row.owner_locale === null ? {} : { ownerLocale: row.owner_locale }),
    ...(row.owner_language_code === null ? {} : { ownerLanguageCode: row.owner_language_code }),
  };
}

/** The one mapping from an `events` row to a stored event. */
export function toEvent(row: EventRow): StoredEvent {
  return { id: row.seq, ownerId: row.owner_id, name: row.name, data: row.data, createdAt: row.created_at };
}

/**
 * The relay's durable state behind one narrow, Promise-returning interface, so that the SQLite
 * implementation (default, one relay) and the Redis implementation (several relays behind a load
 * balancer) are interchangeable; one contract test (`test/integration/relay/store-contract.ts`)
 * holds both to the same behaviour. Every method that changes a job is a single atomic step:
 * `claimJob` hands a job to at most one live lease, `finishJob` counts a result once, and
 * `lockDelivery` lets only one relay edit the chat at a time.
 *
 * Times are milliseconds since the epoch. No Telegram types appear here.
 */
import type { JobKind, JobState, RelayUser } from "../../lib/relay/protocol";
import type { Segment } from "../../lib/transcript/types";
import type { FailureKind } from "../../lib/relay/failure-kinds";
import type { ExportStore } from "./export-store";

/** The Telegram file behind a job, as the mapping at the bot's edge produced it. */
export interface JobMedia {
  readonly fileId: string;
  readonly fileUniqueId: string;
  readonly kind: JobKind;
  readonly duration: number | null;
  readonly mime: string | null;
  readonly size: number | null;
  readonly fileName: string | null;
}

/** A job as first written: before the status message exists it is `new` and not offered to sessions. */
export interface NewJob {
  readonly id: string;
  /** Telegram user whose sessions may transcribe it. */
  readonly ownerId: number;
  readonly chatId: number;
  /** The voice/audio message; the status message and transcript reply to it. */
  readonly sourceMessageId: number;
  readonly media: JobMedia;
  readonly languageHint: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The language the owner's chat texts are in (a bot locale such as "ru"); absent: English. */
  readonly ownerLocale?: string | null;
  /**
   * The owner's Telegram `language_code` as sent (e.g. "uk", "pt-BR"), for the browser to prefer
   * when detection is unsure. Kept beside `ownerLocale` because that one is only the bot locale it
   * maps to (four languages; "uk" becomes English) and cannot give the tag back. Absent: unknown.
   */
  readonly ownerLanguageCode?: string | null;
}

/** A lease: which session may work on a job, until when. */
export interface Lease {
  readonly token: string;
  readonly sessionId: string;
  readonly expiresAt: number;
}

/** What the browser sent back. */
export interface JobResult {
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly language: string | null;
}

/**
 * What the status message currently says, so it is edited only when it should change: `reminded`
 * is "waiting" after the reminder that the job will soon expire.
 */
export type StatusKind = "waiting" | "working" | "reminded";

/** `new` is internal: written, but the status message is not sent yet. */
export type JobRecordState = "new" | JobState;

/** A job as stored. */
export interface JobRecord extends NewJob {
  readonly state: JobRecordState;
  readonly statusMessageId: number | null;
  readonly statusKind: StatusKind | null;
  /** The last lease; kept after expiry so a late result from the same tab still counts. */
  readonly lease: Lease | null;
  readonly result: JobResult | null;
  readonly failureMessage: string | null;
  /** What kind of failure the browser reported (decides Retry); null when not failed or not told. */
  readonly failureKind: FailureKind | null;
  readonly finishedAt: number | null;
  /** True once the chat shows the final outcome. */
  readonly delivered: boolean;
  /** True when telling the chat finally failed (past the attempt limit); never also `delivered`. */
  readonly deliveryFailed: boolean;
  readonly deliveryAttempts: number;
  /**
   * The chat messages of the outcome's parts that exist so far, by part index (part 0 is the status
   * message unless that was gone), so a delivery cut short resumes without sending a part twice.
   */
  readonly deliveryParts: Readonly<Record<number, number>>;
}

/** A linked browser session; only the SHA-256 of its token is kept. */
export interface SessionRecord {
  readonly tokenHash: string;
  readonly user: RelayUser;
  readonly createdAt: number;
  /** Last authenticated use, for the sliding idle expiry (see {@link RelayStore.touchSession}). */
  readonly lastSeenAt: number;
}

/** A pending `/link` code; only its hash is kept. */
export interface LinkCodeRecord {
  readonly codeHash: string;
  readonly user: RelayUser;
  readonly expiresAt: number;
}

/** Per-chat settings changed with `/lang` and `/auto`. */
export interface ChatSettings {
  readonly languageHint: string | null;
  readonly autoMode: boolean;
}

/** One entry of a user's event log, replayed to a session that reconnects with `Last-Event-ID`. */
export interface StoredEvent {
  readonly id: number;
  readonly ownerId: number;
  readonly name: string;
  /** JSON, exactly as sent in the SSE `data:` field. */
  readonly data: string;
  readonly createdAt: number;
}

/** Answer of {@link RelayStore.claimJob}. */
export type ClaimOutcome =
  | { readonly kind: "claimed"; readonly job: JobRecord }
  | { readonly kind: "not-found" }
  | { readonly kind: "taken"; readonly job: JobRecord }
  | { readonly kind: "finished"; readonly job: JobRecord };

/** How the browser ended its work on a job. */
export type Finish =
  | { readonly kind: "done"; readonly result: JobResult }
  | { readonly kind: "failed"; readonly message: string; readonly failureKind?: FailureKind };

/** Answer of {@link RelayStore.finishJob}. */
export type FinishOutcome =
  | { readonly kind: "finished"; readonly job: JobRecord }
  | { readonly kind: "duplicate"; readonly job: JobRecord }
  | { readonly kind: "not-found" }
  | { readonly kind: "conflict"; readonly job: JobRecord };

/** The store every relay component talks to. See the module comment for the guarantees. */
export interface RelayStore {
  /** Short name for /healthz, e.g. "sqlite". */
  readonly kind: string;
  /** Transcript exports kept briefly for Telegram to download (see `export-store.ts`). */
  readonly exports: ExportStore;

  createSession(session: SessionRecord): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<boolean>;
  /** Ends every session of a user (`/unlink`); returns how many there were. */
  deleteUserSessions(userId: number): Promise<number>;
  /** Records a session's latest authenticated use; a no-op when it is gone. */
  touchSession(tokenHash: string, now: number): Promise<void>;
  /** Every session of a user, oldest first (for the per-user cap). */
  listUserSessions(userId: number): Promise<SessionRecord[]>;
  /** Deletes sessions last seen before `idleBefore` or created before `createdBefore`; returns how many. */
  pruneSessions(idleBefore: number, createdBefore: number): Promise<number>;
  /** Remembers when a user last sent `/unlink`; init data signed before it is refused. */
  setUnlinkedAt(userId: number, at: number): Promise<void>;
  /** When the user last sent `/unlink`, or null. */
  findUnlinkedAt(userId: number): Promise<number | null>;

  saveLinkCode(code: LinkCodeRecord): Promise<void>;
  /** Returns and deletes the code in one step; null when unknown or expired. */
  takeLinkCode(codeHash: string, now: number): Promise<LinkCodeRecord | null>;

  getChatSettings(chatId: number): Promise<ChatSettings>;
  updateChatSettings(chatId: number, patch: Partial<ChatSettings>): Promise<ChatSettings>;

  /** Writes a `new` job; when the same chat message already has one, returns that with `created: false`. */
  insertJob(job: NewJob): Promise<{ readonly job: JobRecord; readonly created: boolean }>;
  /** `new` → `pending`, remembering the status message. Null when the job is not `new`. */
  activateJob(id: string, statusMessageId: number | null, statusKind: StatusKind | null): Promise<JobRecord | null>;
  setStatusKind(id: string, statusKind: StatusKind): Promise<void>;
  getJob(id: string): Promise<JobRecord | null>;
  /** The job whose source or status message is `messageId` in `chatId`. */
  findJobByMessage(chatId: number, messageId: number): Promise<JobRecord | null>;
  /** The owner's `pending` and `claimed` jobs, oldest first. */
  listOpenJobs(ownerId: number): Promise<JobRecord[]>;
  /** Jobs not yet final, for /healthz. */
  countOpenJobs(): Promise<number>;
  /** Pending jobs whose status message says `waiting` and that expire by `expiresBy`: due for a reminder. */
  listJobsToRemind(expiresBy: number): Promise<JobRecord[]>;

  /**
   * Atomically gives the job to `lease` when it is pending or its lease has expired. The same
   * session claiming again while its lease is live gets its existing lease back.
   */
  claimJob(id: string, ownerId: number, lease: Lease, now: number): Promise<ClaimOutcome>;
  /** Extends a lease held by `token` (also reviving one that lapsed but was not taken over). */
  renewLease(id: string, ownerId: number, token: string, expiresAt: number): Promise<JobRecord | null>;
  /** Gives the job back (pending) if `token` holds it. */
  releaseJob(id: string, ownerId: number, token: string): Promise<JobRecord | null>;
  /** Records the outcome once; a repeat with the same lease is a `duplicate`. */
  finishJob(id: string, ownerId: number, token: string, finish: Finish, now: number): Promise<FinishOutcome>;
  /** A failed or expired job back to pending with a new expiry (the chat's Retry button). */
  requeueJob(id: string, expiresAt: number): Promise<JobRecord | null>;

  /** Claimed jobs whose lease ran out go back to pending; returns them. */
  expireLeases(now: number): Promise<JobRecord[]>;
  /** Pending jobs past their expiry become `expired`; returns them. */
  expireJobs(now: number): Promise<JobRecord[]>;
  /** `new` jobs created before `createdBefore` (the status message never got stored) become pending. */
  activateStaleJobs(createdBefore: number): Promise<JobRecord[]>;

  /** Takes the right to tell the chat about a finished job until `until`; null when not due. */
  lockDelivery(id: string, now: number, until: number): Promise<JobRecord | null>;
  markDelivered(id: string): Promise<void>;
  /** Telling the chat failed for good: the job leaves the delivery queue, marked failed, not delivered. */
  markDeliveryFailed(id: string): Promise<void>;
  /**
   * A job whose delivery failed for good goes back to the delivery queue with its attempts reset and
   * the parts already in the chat kept (the Retry of a delivery); null when its delivery had not failed.
   */
  redeliver(id: string): Promise<JobRecord | null>;
  /** After a failed attempt: the next attempt is due at `until` (backoff), by any relay. */
  deferDelivery(id: string, until: number): Promise<void>;
  /** The chat asked us to wait (HTTP 429): the next attempt is due at `until`, and this one is not counted. */
  postponeDelivery(id: string, until: number): Promise<void>;
  /** Records that part `index` of the outcome is chat message `messageId` (under the delivery lock). */
  recordDeliveryPart(id: string, index: number, messageId: number): Promise<void>;
  /** Finished jobs not yet shown in the chat whose delivery lock is free. */
  listUndeliveredIds(now: number): Promise<string[]>;

  appendEvent(ownerId: number, name: string, data: string, now: number): Promise<StoredEvent>;
  /** The owner's events after `afterId`, oldest first. */
  eventsAfter(ownerId: number, afterId: number, limit: number): Promise<StoredEvent[]>;
  /**
   * Event ids count per user. `latest`: the user's latest event id (0 when none). `oldest`: every event of `ownerId`
   * with an id from `oldest` on is still kept, so a session that saw up to `oldest - 1` or later can
   * replay what it missed; one further behind gets a snapshot instead.
   */
  eventBounds(ownerId: number): Promise<{ readonly oldest: number; readonly latest: number }>;
  /**
   * Retention: deletes done, failed and expired jobs that finished before `finishedBefore`, with
   * their audio references (Telegram file ids) and message references; returns how many.
   */
  purgeFinishedJobs(finishedBefore: number): Promise<number>;
  /** Drops events and link codes older than `before`. */
  prune(before: number, now: number): Promise<void>;

  close(): Promise<void>;
}

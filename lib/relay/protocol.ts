/**
 * The wire contract between the relay's HTTP API and browser sessions: every request and response
 * body, the Server-Sent Events, the routes and the limits. This file is the single source of truth
 * for both sides, so it must stay browser-safe: no Node imports, no Telegram types. The checks of
 * untrusted JSON against it are in ./parse.
 */
import type { Segment } from "../transcript/types";
import type { FailureKind, PostedFailureKind } from "./failure-kinds";


/** What kind of Telegram media a job was made from. */
export type JobKind = "voice" | "audio" | "video_note" | "document";

/**
 * Where a job is in its life. `pending` waits for a session; `claimed` has a live lease;
 * `done`, `failed` and `expired` are final and reported in the chat.
 */
export type JobState = "pending" | "claimed" | "done" | "failed" | "expired";

/** Every job kind, for validation and exhaustive UI tables. */
export const JOB_KINDS: readonly JobKind[] = ["voice", "audio", "video_note", "document"];

/** Every job state, for validation. */
export const JOB_STATES: readonly JobState[] = ["pending", "claimed", "done", "failed", "expired"];

/** The Telegram user a session acts for, as the relay shows it to the browser. */
export interface RelayUser {
  readonly id: number;
  readonly firstName: string;
  readonly lastName: string | null;
  readonly username: string | null;
  readonly languageCode: string | null;
}

/** What a session needs to decide whether and how to transcribe a job. Sent in `job` events and job lists. */
export interface JobSummary {
  readonly id: string;
  readonly kind: JobKind;
  /** Seconds, as Telegram reported it; null when unknown (documents). */
  readonly duration: number | null;
  readonly mime: string | null;
  /** Bytes, as Telegram reported it; null when unknown. */
  readonly size: number | null;
  readonly fileName: string | null;
  /** A Whisper language code chosen in the chat with `/lang`; null means detect. */
  readonly languageHint: string | null;
  /**
   * The job owner's Telegram `language_code` as Telegram sent it (an IETF tag such as "uk" or
   * "pt-BR"), so the browser can prefer it when detection is unsure; absent when Telegram did not
   * say (and from older relays).
   */
  readonly ownerLanguageCode?: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601: when the job expires if no session finishes it. */
  readonly expiresAt: string;
  readonly state: JobState;
}

/** POST /api/session/telegram: the raw init data string from the Mini App launch parameters. */
export interface TelegramSessionRequest {
  readonly initData: string;
}

/** POST /api/session/code: the one-time code from the bot's `/link` command. */
export interface CodeSessionRequest {
  readonly code: string;
}

/** Answer to both ways of linking: keep `token` and send it as `Authorization: Bearer <token>`. */
export interface SessionResponse {
  readonly token: string;
  readonly user: RelayUser;
}

/** GET /api/session. */
export interface SessionInfoResponse {
  readonly user: RelayUser;
}

/** GET /api/jobs: the user's jobs that are pending or claimed, oldest first. */
export interface JobListResponse {
  readonly jobs: readonly JobSummary[];
}

/** POST /api/jobs/:id/claim. Keep `lease`: audio, heartbeat, result, failure and release need it. */
export interface ClaimResponse {
  readonly lease: string;
  /** ISO 8601; renew with a heartbeat well before. */
  readonly expiresAt: string;
  readonly leaseSeconds: number;
  readonly job: JobSummary;
}

/** Body of heartbeat and release. */
export interface LeaseRequest {
  readonly lease: string;
}

/** POST /api/jobs/:id/heartbeat. */
export interface HeartbeatResponse {
  readonly expiresAt: string;
}

/** POST /api/jobs/:id/result. Posting the same result again is harmless. */
export interface ResultRequest {
  readonly lease: string;
  readonly text: string;
  readonly segments: readonly Segment[];
  /** The language Whisper used or detected; null when unknown. */
  readonly language: string | null;
}

/** POST /api/jobs/:id/failure: the browser could not transcribe; the chat is told `message`. */
export interface FailureRequest {
  readonly lease: string;
  readonly message: string;
  /** Which failure it is, so the chat and the inbox offer Retry only where it can help; absent from older apps. */
  readonly failureKind?: PostedFailureKind;
}

/**
 * POST /api/jobs/:id/progress: the text so far, while the browser transcribes. The chat's status
 * message shows it as a draft (edits throttled per chat); only the lease holder may post.
 */
export interface ProgressRequest {
  readonly lease: string;
  readonly text: string;
}

/** Answer to progress: `accepted` false when the chat will not show it (no status message, or live text is off). */
export interface ProgressResponse {
  readonly accepted: boolean;
}

/** Answer to result and failure: `duplicate` means an earlier identical post already counted. */
export interface FinishResponse {
  readonly status: "accepted" | "duplicate";
}

/** POST /api/jobs/:id/release. */
export interface ReleaseResponse {
  readonly released: boolean;
}

/**
 * POST /api/jobs/:id/retry (no body): the inbox's Retry. `requeued`: the job waits for a device
 * again; `resent`: its outcome is being shown in the chat again (a delivery that had failed).
 * 404 when the job is not the user's, 409 when it cannot be retried (see `failure-kinds.ts`).
 */
export interface RetryResponse {
  readonly status: "requeued" | "resent";
}

/** Stable error codes of the relay API; switch on these, not on messages. */
export type RelayErrorCode =
  | "bad_request"
  | "unauthorized"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "bot_disabled"
  | "upstream_failed"
  | "internal";

/** Every error code, for validation. */
export const RELAY_ERROR_CODES: readonly RelayErrorCode[] = [
  "bad_request",
  "unauthorized",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "bot_disabled",
  "upstream_failed",
  "internal",
];

/** Every error answer of the relay API has this body. */
export interface ErrorBody {
  readonly error: { readonly code: RelayErrorCode; readonly message: string };
}

/** GET /healthz. */
export interface HealthResponse {
  /** Bytes. */
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** Memory of Buffers and other objects outside the JS heap, in bytes. */
  readonly external: number;
  readonly arrayBuffers: number;
  /** Seconds since the relay started. */
  readonly uptime: number;
  /** Jobs not yet finished (waiting or claimed). */
  readonly pendingJobs: number;
  /** Open event streams. */
  readonly connectedSessions: number;
  readonly bot: "enabled" | "disabled";
  readonly botMode: "polling" | "webhook" | null;
  /** Which store implementation is in use, e.g. "sqlite". */
  readonly store: string;
}

/** Why a job left the list of work a session may pick up. */
export type JobGoneReason = "done" | "failed" | "expired";

/** Data of the `job-gone` event. */
export interface JobGoneData {
  readonly id: string;
  readonly reason: JobGoneReason;
  /** Why a `failed` job failed, as the chat shows it; absent otherwise. */
  readonly message?: string;
  /** Present (true) when the outcome could not be shown in the chat even after retries. */
  readonly deliveryFailed?: true;
  /** Why it fell short (failed, expired, or not shown in the chat); absent for a transcript shown. */
  readonly failureKind?: FailureKind;
}

/**
 * The events on GET /api/events, as a discriminated union. `job` announces a job or its new state
 * (pending again after a lease expired, claimed by another tab); `job-gone` removes it.
 * `eventId` is the SSE `id:` field; send the last one back as `Last-Event-ID` when reconnecting.
 */
export type RelayEvent =
  | { readonly type: "job"; readonly eventId: string | null; readonly job: JobSummary }
  | { readonly type: "job-gone"; readonly eventId: string | null; readonly gone: JobGoneData };

/** Names of the SSE events, as sent in the `event:` field. */
export const RELAY_EVENT_NAMES = { job: "job", jobGone: "job-gone" } as const;

/** Request limits both sides must respect. */
export const RELAY_LIMITS = {
  /** Longest language tag kept (`JobSummary.ownerLanguageCode`), in characters. */
  maxLanguageCodeChars: 35,
  /** Largest JSON request body, in bytes; larger ones get 413. */
  maxJsonBodyBytes: 1024 * 1024,
  /** Longest transcript text, in characters. */
  maxTranscriptChars: 200_000,
  /** Most segments in one result. */
  maxSegments: 20_000,
  /** Longest failure message, in characters (the chat shows it). */
  maxFailureMessageChars: 500,
  /** Most characters of progress text kept (the end; a Telegram message holds 4096). */
  maxProgressChars: 4000,
  /** Longest init data string, in characters. */
  maxInitDataChars: 8192,
  /** Largest transcript export the relay keeps for Telegram to download (POST /api/exports), in bytes. */
  maxExportBytes: 2 * 1024 * 1024,
} as const;

/**
 * POST /api/exports (body: the file's bytes, UTF-8 text; `?format=` and `?name=` in the URL): the
 * relay keeps the file briefly so Telegram can download it for the Mini App. `path` is relative to
 * the relay's base URL and carries the unguessable token; it stops working after `downloads`
 * fetches or at `expiresAt` (ISO 8601), whichever comes first.
 */
export interface ExportResponse {
  readonly path: string;
  readonly fileName: string;
  readonly expiresAt: string;
  readonly downloads: number;
}

/** Paths of the relay API, so the client and the server cannot drift apart. */
export const RELAY_PATHS = {
  health: "/healthz",
  sessionTelegram: "/api/session/telegram",
  sessionCode: "/api/session/code",
  session: "/api/session",
  events: "/api/events",
  jobs: "/api/jobs",
  claim: (jobId: string): string => `/api/jobs/${encodeURIComponent(jobId)}/claim`,
  heartbeat: (jobId: string): string => `/api/jobs/${encodeURIComponent(jobId)}/heartbeat`,
  audio: (jobId: string, lease: string): string =>
    `/api/jobs/${encodeURIComponent(jobId)}/audio?lease=${encodeURIComponent(lease)}`,
  result: (jobId: string): string => `/api/jobs/${encodeURIComponent(jobId)}/result`,
  failure: (jobId: string): string => `/api/jobs/${encodeURIComponent(jobId)}/failure`,
  release: (jobId: string): string => `/api/jobs/${encodeURIComponent(jobId)}/release`,
  retry: (jobId: string): string => `/api/jobs/${encodeURIComponent(jobId)}/retry`,
  progress: (jobId: string): string => `/api/jobs/${encodeURIComponent(jobId)}/progress`,
  exports: "/api/exports",
  exportFile: (token: string): string => `/api/exports/${encodeURIComponent(token)}`,
  /** The patterns the relay's router matches for the job paths above (`:id` is the job id). */
  routes: {
    claim: "/api/jobs/:id/claim",
    heartbeat: "/api/jobs/:id/heartbeat",
    audio: "/api/jobs/:id/audio",
    result: "/api/jobs/:id/result",
    failure: "/api/jobs/:id/failure",
    release: "/api/jobs/:id/release",
    retry: "/api/jobs/:id/retry",
    progress: "/api/jobs/:id/progress",
    exportFile: "/api/exports/:token",
  },
} as const;

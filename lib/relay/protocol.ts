/**
 * The wire contract between the relay's HTTP API and browser sessions: every request and response
 * body, the Server-Sent Events, the routes and the limits. This file is the single source of truth
 * for both sides, so it must stay browser-safe: no Node imports, no Telegram types.
 *
 * The `parse…` functions check untrusted JSON (a request body on the relay, a response in the
 * browser) without casts and say precisely what is wrong.
 */

/** What kind of Telegram media a job was made from. */
export type JobKind = "voice" | "audio" | "video_note" | "document";
import { isRecord } from "../guards";
import type { Segment } from "../transcript/types";

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
}

/** Answer to result and failure: `duplicate` means an earlier identical post already counted. */
export interface FinishResponse {
  readonly status: "accepted" | "duplicate";
}

/** POST /api/jobs/:id/release. */
export interface ReleaseResponse {
  readonly released: boolean;
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
  /** Largest JSON request body, in bytes; larger ones get 413. */
  maxJsonBodyBytes: 1024 * 1024,
  /** Longest transcript text, in characters. */
  maxTranscriptChars: 200_000,
  /** Most segments in one result. */
  maxSegments: 20_000,
  /** Longest failure message, in characters (the chat shows it). */
  maxFailureMessageChars: 500,
  /** Longest init data string, in characters. */
  maxInitDataChars: 8192,
} as const;

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
  /** The patterns the relay's router matches for the job paths above (`:id` is the job id). */
  routes: {
    claim: "/api/jobs/:id/claim",
    heartbeat: "/api/jobs/:id/heartbeat",
    audio: "/api/jobs/:id/audio",
    result: "/api/jobs/:id/result",
    failure: "/api/jobs/:id/failure",
    release: "/api/jobs/:id/release",
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Checking untrusted JSON

/** Outcome of a `parse…` function: the value, or a sentence saying which field is wrong. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** True for a plain JSON object (not null, not an array). */
function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function nullableString(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

function nullableNumber(value: unknown): value is number | null {
  return value === null || isFiniteNumber(value);
}

function isJobKind(value: unknown): value is JobKind {
  return typeof value === "string" && JOB_KINDS.some((kind) => kind === value);
}

function isJobState(value: unknown): value is JobState {
  return typeof value === "string" && JOB_STATES.some((state) => state === value);
}

function nonEmptyString(body: Record<string, unknown>, key: string, max: number): Parsed<string> {
  const value = body[key];
  if (typeof value !== "string" || value.length === 0) return fail(`"${key}" must be a non-empty string`);
  if (value.length > max) return fail(`"${key}" must be at most ${max} characters`);
  return ok(value);
}

/** Checks the body of POST /api/session/telegram. */
export function parseTelegramSessionRequest(body: unknown): Parsed<TelegramSessionRequest> {
  if (!isRecord(body)) return fail("the body must be a JSON object");
  const initData = nonEmptyString(body, "initData", RELAY_LIMITS.maxInitDataChars);
  return initData.ok ? ok({ initData: initData.value }) : fail(initData.error);
}

/** Checks the body of POST /api/session/code. */
export function parseCodeSessionRequest(body: unknown): Parsed<CodeSessionRequest> {
  if (!isRecord(body)) return fail("the body must be a JSON object");
  const code = nonEmptyString(body, "code", 64);
  return code.ok ? ok({ code: code.value }) : fail(code.error);
}

/** Checks the body of heartbeat and release. */
export function parseLeaseRequest(body: unknown): Parsed<LeaseRequest> {
  if (!isRecord(body)) return fail("the body must be a JSON object");
  const lease = nonEmptyString(body, "lease", 200);
  return lease.ok ? ok({ lease: lease.value }) : fail(lease.error);
}

/** Checks one transcript segment; `index` only improves the message. */
export function parseSegment(value: unknown, index: number): Parsed<Segment> {
  if (!isRecord(value)) return fail(`segments[${index}] must be an object`);
  const { start, end, text } = value;
  if (!isFiniteNumber(start) || start < 0) return fail(`segments[${index}].start must be a number ≥ 0`);
  if (!isFiniteNumber(end) || end < start) return fail(`segments[${index}].end must be a number ≥ start`);
  if (typeof text !== "string") return fail(`segments[${index}].text must be a string`);
  return ok({ start, end, text });
}

/** Checks the body of POST /api/jobs/:id/result. */
export function parseResultRequest(body: unknown): Parsed<ResultRequest> {
  if (!isRecord(body)) return fail("the body must be a JSON object");
  const lease = nonEmptyString(body, "lease", 200);
  if (!lease.ok) return fail(lease.error);
  const { text, segments, language } = body;
  if (typeof text !== "string") return fail(`"text" must be a string`);
  if (text.length > RELAY_LIMITS.maxTranscriptChars) {
    return fail(`"text" must be at most ${RELAY_LIMITS.maxTranscriptChars} characters`);
  }
  const list: unknown = segments ?? [];
  if (!Array.isArray(list)) return fail(`"segments" must be an array`);
  if (list.length > RELAY_LIMITS.maxSegments) return fail(`"segments" must have at most ${RELAY_LIMITS.maxSegments} items`);
  const parsed: Segment[] = [];
  for (const [index, item] of list.entries()) {
    const segment = parseSegment(item, index);
    if (!segment.ok) return fail(segment.error);
    parsed.push(segment.value);
  }
  const lang: unknown = language ?? null;
  if (!nullableString(lang) || (lang !== null && lang.length > 32)) return fail(`"language" must be a short string or null`);
  return ok({ lease: lease.value, text, segments: parsed, language: lang });
}

/** Checks the body of POST /api/jobs/:id/failure. Over-long messages are cut, not refused. */
export function parseFailureRequest(body: unknown): Parsed<FailureRequest> {
  if (!isRecord(body)) return fail("the body must be a JSON object");
  const lease = nonEmptyString(body, "lease", 200);
  if (!lease.ok) return fail(lease.error);
  const { message } = body;
  if (typeof message !== "string" || message.trim().length === 0) return fail(`"message" must be a non-empty string`);
  return ok({ lease: lease.value, message: message.slice(0, RELAY_LIMITS.maxFailureMessageChars) });
}

/** Checks a user object sent by the relay. */
export function parseRelayUser(value: unknown): Parsed<RelayUser> {
  if (!isRecord(value)) return fail("user must be an object");
  const { id, firstName, lastName, username, languageCode } = value;
  if (!isFiniteNumber(id)) return fail("user.id must be a number");
  if (typeof firstName !== "string") return fail("user.firstName must be a string");
  if (!nullableString(lastName) || !nullableString(username) || !nullableString(languageCode)) {
    return fail("user.lastName, user.username and user.languageCode must be strings or null");
  }
  return ok({ id, firstName, lastName, username, languageCode });
}

/** Checks a job summary sent by the relay. */
export function parseJobSummary(value: unknown): Parsed<JobSummary> {
  if (!isRecord(value)) return fail("job must be an object");
  const { id, kind, duration, mime, size, fileName, languageHint, createdAt, expiresAt, state } = value;
  if (typeof id !== "string" || id.length === 0) return fail("job.id must be a non-empty string");
  if (!isJobKind(kind)) return fail(`job.kind must be one of ${JOB_KINDS.join(", ")}`);
  if (!isJobState(state)) return fail(`job.state must be one of ${JOB_STATES.join(", ")}`);
  if (!nullableNumber(duration) || !nullableNumber(size)) return fail("job.duration and job.size must be numbers or null");
  if (!nullableString(mime) || !nullableString(fileName) || !nullableString(languageHint)) {
    return fail("job.mime, job.fileName and job.languageHint must be strings or null");
  }
  if (typeof createdAt !== "string" || typeof expiresAt !== "string") return fail("job.createdAt and job.expiresAt must be strings");
  return ok({ id, kind, duration, mime, size, fileName, languageHint, createdAt, expiresAt, state });
}

/** Checks the data of a `job-gone` event. */
export function parseJobGoneData(value: unknown): Parsed<JobGoneData> {
  if (!isRecord(value)) return fail("job-gone data must be an object");
  const { id, reason } = value;
  if (typeof id !== "string" || id.length === 0) return fail("job-gone id must be a non-empty string");
  if (reason !== "done" && reason !== "failed" && reason !== "expired") return fail("job-gone reason must be done, failed or expired");
  return ok({ id, reason });
}

/** Checks an error body; anything else yields null. */
export function parseErrorBody(value: unknown): ErrorBody | null {
  if (!isRecord(value) || !isRecord(value.error)) return null;
  const { code, message } = value.error;
  if (typeof code !== "string" || typeof message !== "string") return null;
  const known = RELAY_ERROR_CODES.find((candidate) => candidate === code);
  return { error: { code: known ?? "internal", message } };
}

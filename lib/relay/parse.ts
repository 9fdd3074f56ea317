/**
 * Checking the relay's untrusted JSON (a request body on the relay, a response in the browser)
 * against ./protocol without casts, saying precisely what is wrong. Browser-safe like the protocol.
 */
import { isRecord } from "../guards";
import type { Segment } from "../transcript/types";
import { POSTED_FAILURE_KINDS, isFailureKind, isPostedFailureKind } from "./failure-kinds";
import {
  JOB_KINDS,
  JOB_STATES,
  RELAY_ERROR_CODES,
  RELAY_LIMITS,
  type CodeSessionRequest,
  type ErrorBody,
  type FailureRequest,
  type JobGoneData,
  type JobKind,
  type JobState,
  type JobSummary,
  type LeaseRequest,
  type ProgressRequest,
  type RelayUser,
  type ResultRequest,
  type TelegramSessionRequest,
} from "./protocol";

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
  const { failureKind } = body;
  if (failureKind !== undefined && !isPostedFailureKind(failureKind)) return fail(`"failureKind" must be one of ${POSTED_FAILURE_KINDS.join(", ")} when present`);
  return ok({ lease: lease.value, message: message.slice(0, RELAY_LIMITS.maxFailureMessageChars), ...(failureKind === undefined ? {} : { failureKind }) });
}

/** Checks the body of POST /api/jobs/:id/progress. Only the end of an over-long text is kept (the chat shows the end). */
export function parseProgressRequest(body: unknown): Parsed<ProgressRequest> {
  if (!isRecord(body)) return fail("the body must be a JSON object");
  const lease = nonEmptyString(body, "lease", 200);
  if (!lease.ok) return fail(lease.error);
  const { text } = body;
  if (typeof text !== "string") return fail(`"text" must be a string`);
  return ok({ lease: lease.value, text: text.slice(-RELAY_LIMITS.maxProgressChars) });
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
  const { id, kind, duration, mime, size, fileName, languageHint, ownerLanguageCode, createdAt, expiresAt, state } = value;
  if (typeof id !== "string" || id.length === 0) return fail("job.id must be a non-empty string");
  if (!isJobKind(kind)) return fail(`job.kind must be one of ${JOB_KINDS.join(", ")}`);
  if (!isJobState(state)) return fail(`job.state must be one of ${JOB_STATES.join(", ")}`);
  if (!nullableNumber(duration) || !nullableNumber(size)) return fail("job.duration and job.size must be numbers or null");
  if (!nullableString(mime) || !nullableString(fileName) || !nullableString(languageHint)) {
    return fail("job.mime, job.fileName and job.languageHint must be strings or null");
  }
  if (typeof createdAt !== "string" || typeof expiresAt !== "string") return fail("job.createdAt and job.expiresAt must be strings");
  // Only a preference: one that is not a short string is dropped rather than refusing the job.
  const owner = typeof ownerLanguageCode === "string" && ownerLanguageCode.length > 0 && ownerLanguageCode.length <= RELAY_LIMITS.maxLanguageCodeChars ? { ownerLanguageCode } : {};
  return ok({ id, kind, duration, mime, size, fileName, languageHint, ...owner, createdAt, expiresAt, state });
}

/** Checks the data of a `job-gone` event. */
export function parseJobGoneData(value: unknown): Parsed<JobGoneData> {
  if (!isRecord(value)) return fail("job-gone data must be an object");
  const { id, reason, message, deliveryFailed, failureKind } = value;
  if (typeof id !== "string" || id.length === 0) return fail("job-gone id must be a non-empty string");
  if (reason !== "done" && reason !== "failed" && reason !== "expired") return fail("job-gone reason must be done, failed or expired");
  if (message !== undefined && typeof message !== "string") return fail("job-gone message must be a string when present");
  if (deliveryFailed !== undefined && deliveryFailed !== true) return fail("job-gone deliveryFailed must be true when present");
  // An unknown kind (a newer relay) is dropped rather than refusing the event.
  return ok({
    id,
    reason,
    ...(message === undefined ? {} : { message }),
    ...(deliveryFailed === true ? { deliveryFailed } : {}),
    ...(isFailureKind(failureKind) ? { failureKind } : {}),
  });
}

/** Checks an error body; anything else yields null. */
export function parseErrorBody(value: unknown): ErrorBody | null {
  if (!isRecord(value) || !isRecord(value.error)) return null;
  const { code, message } = value.error;
  if (typeof code !== "string" || typeof message !== "string") return null;
  const known = RELAY_ERROR_CODES.find((candidate) => candidate === code);
  return { error: { code: known ?? "internal", message } };
}

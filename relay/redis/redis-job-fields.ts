/**
 * Decoding what the Redis store's scripts answer (flat field/value lists, `[outcome, job]` pairs)
 * into the store's records, and encoding a new job as hash fields. Every malformed reply is a
 * `StoreError`, so a wrong script or a foreign key surfaces as a store failure, not as bad data.
 */
import { StoreError } from "../errors";
import type { JobRecord, JobResult, Lease, NewJob } from "../ports/relay-store";
import { toDeliveryParts, toFailureKind, toKind, toSegments, toState } from "../ports/stored-values";

/** A Redis hash as field → value. */
type Fields = Readonly<Record<string, string>>;

function isString(value: unknown): value is string {
  return typeof value === "string";
}

/** `[k1, v1, k2, v2, …]` as Lua returns a hash. */
export function toFields(value: unknown, what: string): Fields {
  if (!Array.isArray(value) || value.length % 2 !== 0) throw new StoreError(`Redis returned a malformed ${what}`);
  const fields: Record<string, string> = {};
  for (let i = 0; i < value.length; i += 2) {
    const key: unknown = value[i];
    const item: unknown = value[i + 1];
    if (!isString(key) || !isString(item)) throw new StoreError(`Redis returned a malformed ${what}`);
    fields[key] = item;
  }
  return fields;
}

/** A script reply that must be an array (else a StoreError naming `what`). */
export function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new StoreError(`Redis returned a malformed ${what}`);
  return value;
}

function text(fields: Fields, key: string): string | null {
  return fields[key] ?? null;
}

function required(fields: Fields, key: string): string {
  const value = fields[key];
  if (value === undefined) throw new StoreError(`stored job ${fields.id ?? "?"} lacks "${key}"`);
  return value;
}

function num(fields: Fields, key: string): number | null {
  const value = fields[key];
  if (value === undefined) return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new StoreError(`stored job ${fields.id ?? "?"} has a bad number in "${key}"`);
  return parsed;
}

function requiredNum(fields: Fields, key: string): number {
  const value = num(fields, key);
  if (value === null) throw new StoreError(`stored job ${fields.id ?? "?"} lacks "${key}"`);
  return value;
}

/** The one mapping from a stored hash to our job type. */
export function toJob(fields: Fields): JobRecord {
  const id = required(fields, "id");
  const kind = toKind(required(fields, "kind"), id);
  const state = toState(required(fields, "state"), id);
  const statusKindText = text(fields, "statusKind");
  const leaseToken = text(fields, "leaseToken");
  const leaseSession = text(fields, "leaseSession");
  const lease: Lease | null =
    leaseToken !== null && leaseSession !== null ? { token: leaseToken, sessionId: leaseSession, expiresAt: num(fields, "leaseExp") ?? 0 } : null;
  const resultText = text(fields, "resText");
  const result: JobResult | null =
    resultText !== null ? { text: resultText, segments: toSegments(text(fields, "resSegs"), id), language: text(fields, "resLang") } : null;
  return {
    id,
    ownerId: requiredNum(fields, "owner"),
    chatId: requiredNum(fields, "chat"),
    sourceMessageId: requiredNum(fields, "src"),
    media: {
      fileId: required(fields, "fileId"),
      fileUniqueId: required(fields, "fileUid"),
      kind,
      duration: num(fields, "duration"),
      mime: text(fields, "mime"),
      size: num(fields, "size"),
      fileName: text(fields, "fileName"),
    },
    languageHint: text(fields, "lang"),
    createdAt: requiredNum(fields, "created"),
    expiresAt: requiredNum(fields, "expires"),
    state,
    statusMessageId: num(fields, "statusMsg"),
    statusKind: statusKindText === "waiting" || statusKindText === "working" || statusKindText === "reminded" ? statusKindText : null,
    lease,
    result,
    failureMessage: text(fields, "failMsg"),
    failureKind: toFailureKind(fields.failKind),
    finishedAt: num(fields, "finishedAt"),
    delivered: fields.delivered === "1",
    deliveryFailed: fields.delivered === "2",
    deliveryAttempts: num(fields, "attempts") ?? 0,
    deliveryParts: toDeliveryParts(fields.parts),
    ...(fields.locale === undefined ? {} : { ownerLocale: fields.locale }),
    ...(fields.langCode === undefined ? {} : { ownerLanguageCode: fields.langCode }),
  };
}

/** A script reply that is one job hash or nil. */
export function jobOrNull(value: unknown): JobRecord | null {
  return value === null || value === undefined ? null : toJob(toFields(value, "job"));
}

/** A script reply that is a list of job hashes. */
export function jobs(value: unknown): JobRecord[] {
  return list(value, "job list").map((item) => toJob(toFields(item, "job")));
}

/** Field/value pairs of a new job; null values are left out (absent = null). */
export function newJobFields(job: NewJob): string[] {
  const m = job.media;
  const pairs: Array<[string, string | number | null]> = [
    ["owner", job.ownerId],
    ["chat", job.chatId],
    ["src", job.sourceMessageId],
    ["fileId", m.fileId],
    ["fileUid", m.fileUniqueId],
    ["kind", m.kind],
    ["duration", m.duration],
    ["mime", m.mime],
    ["size", m.size],
    ["fileName", m.fileName],
    ["lang", job.languageHint],
    ["created", job.createdAt],
    ["expires", job.expiresAt],
    ["locale", job.ownerLocale ?? null],
    ["langCode", job.ownerLanguageCode ?? null],
  ];
  return pairs.flatMap(([key, value]) => (value === null ? [] : [key, String(value)]));
}

/** The pair `[outcome, job?]` that claim and finish scripts return. */
export function outcome(value: unknown, what: string): { readonly kind: string; readonly job: JobRecord | null } {
  const [kind, job] = list(value, what);
  if (!isString(kind)) throw new StoreError(`Redis returned a malformed ${what}`);
  return { kind, job: jobOrNull(job) };
}

/** The job of an outcome that must carry one (else a StoreError). */
export function withJob(kind: string, job: JobRecord | null, what: string): JobRecord {
  if (job === null) throw new StoreError(`Redis answered ${what} "${kind}" without the job`);
  return job;
}

/**
 * What happened on this device before: per attempt (model, device, dtype), how often it loaded and
 * how often it ran out of memory, plus a "loading" marker that survives a page killed mid-load.
 * The planner reads it ({@link memoryVerdict}) to drop or demote attempts that already ran this
 * device out of memory, so a phone that crashed once on Whisper base does not crash again.
 *
 * Pure functions over an immutable {@link DeviceHistory}, and one thin class, {@link PlanHistory},
 * that persists it in a {@link KeyValueStorage} (localStorage in the page, a Map in tests).
 * localStorage is not available in workers: keep the history on the page and tell the worker.
 */
import { MODEL_ORDER, isDevice, isModelId, type Attempt, type Dtype } from "./catalog";
import type { DeviceProfile } from "./device-profile";
import type { RunErrorKind } from "./run-error";
import { isRecord } from "../guards";


/** How one attempt ended. `input` and `cancelled` say nothing about the attempt and are not recorded. */
export type AttemptOutcome = "success" | RunErrorKind;

/** Counters for one attempt on one device. */
export interface AttemptRecord {
  readonly successes: number;
  /** Failures of any kind, memory included. */
  readonly failures: number;
  readonly memoryFailures: number;
  /** Memory failures since the last success: what the planner's verdict reads. */
  readonly memoryStreak: number;
  /** When the last memory failure happened (ms since epoch); 0 if never. */
  readonly lastMemoryFailureAt: number;
  readonly lastOutcome: AttemptOutcome;
  readonly lastAt: number;
}

/** Set just before a model load starts and cleared when it ends; still set on the next start = the page died loading. */
export interface LoadingMarker {
  /** {@link attemptKey} of the attempt being loaded. */
  readonly attempt: string;
  readonly since: number;
}

/** Everything remembered for one device. */
export interface DeviceHistory {
  readonly version: 1;
  /** Keyed by {@link attemptKey}. */
  readonly attempts: Readonly<Record<string, AttemptRecord>>;
  readonly loading: LoadingMarker | null;
}

/** What the planner should do with an attempt given this device's history. */
export type MemoryVerdict = "keep" | "demote" | "drop";

/** Storage key prefix; the device fingerprint follows it. */
export const HISTORY_KEY_PREFIX = "whisper:plan-history:v1:";

/** Memory failures older than this are forgotten (browsers and drivers update; 30 days). */
export const MEMORY_FAILURE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Consecutive memory failures after which an attempt is dropped; one fewer demotes it. */
export const DROP_AFTER_MEMORY_FAILURES = 2;

/** A stable text key for an attempt, e.g. "whisper-base/webgpu/fp32+q4". */
export function attemptKey(attempt: Attempt): string {
  return `${attempt.model}/${attempt.device}/${attempt.dtype.encoder}+${attempt.dtype.decoder}`;
}

const KNOWN_DTYPES: readonly Dtype[] = ["fp32", "fp16", "q8", "q4", "q4f16"];

function isDtype(value: unknown): value is Dtype {
  return typeof value === "string" && KNOWN_DTYPES.some((dtype) => dtype === value);
}

/** The attempt an {@link attemptKey} names, or `undefined` for a malformed key. */
export function parseAttemptKey(key: string): Attempt | undefined {
  const [model, device, pair, ...rest] = key.split("/");
  if (rest.length > 0 || pair === undefined) return undefined;
  const [encoder, decoder, ...extra] = pair.split("+");
  if (!isModelId(model) || !isDevice(device) || !isDtype(encoder) || !isDtype(decoder) || extra.length > 0) return undefined;
  return { model, device, dtype: { encoder, decoder } };
}

/** The device facts a fingerprint is made of. */
export type FingerprintSource = Pick<DeviceProfile, "deviceMemory" | "webgpu" | "hardwareConcurrency" | "platform" | "mobile">;

function slug(value: string): string {
  return value.trim().toLowerCase().replace(/[^a-z0-9.]+/g, "-") || "?";
}

/**
 * Identifies "this device" for the history: memory, GPU vendor and architecture, cores, OS, phone.
 * Coarse on purpose (no user-agent version), so a browser update keeps what was learned; two
 * identical laptops share a fingerprint, which is what we want.
 */
export function deviceFingerprint(profile: FingerprintSource): string {
  const gpu = profile.webgpu === null ? "none" : `${slug(profile.webgpu.vendor)}/${slug(profile.webgpu.architecture)}`;
  return [
    `mem=${profile.deviceMemory ?? "?"}`,
    `gpu=${gpu}`,
    `cores=${profile.hardwareConcurrency ?? "?"}`,
    `os=${slug(profile.platform)}`,
    `mobile=${profile.mobile ? 1 : 0}`,
  ].join(";");
}

/** A history with nothing in it. */
export function emptyHistory(): DeviceHistory {
  return { version: 1, attempts: {}, loading: null };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

const OUTCOMES: readonly AttemptOutcome[] = ["success", "memory", "webgpu-unavailable", "download", "input", "cancelled", "other"];

function isOutcome(value: unknown): value is AttemptOutcome {
  return typeof value === "string" && OUTCOMES.some((outcome) => outcome === value);
}

function parseRecord(value: unknown): AttemptRecord | undefined {
  if (!isRecord(value) || !isOutcome(value.lastOutcome)) return undefined;
  const memoryFailures = count(value.memoryFailures);
  return {
    successes: count(value.successes),
    failures: Math.max(count(value.failures), memoryFailures),
    memoryFailures,
    memoryStreak: Math.min(count(value.memoryStreak), memoryFailures),
    lastMemoryFailureAt: count(value.lastMemoryFailureAt),
    lastOutcome: value.lastOutcome,
    lastAt: count(value.lastAt),
  };
}

/** Reads a stored history; anything missing, malformed or from another version gives an empty one. */
export function parseHistory(text: string | null): DeviceHistory {
  if (text === null) return emptyHistory();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return emptyHistory();
  }
  if (!isRecord(raw) || raw.version !== 1) return emptyHistory();
  const attempts: Record<string, AttemptRecord> = {};
  if (isRecord(raw.attempts)) {
    for (const [key, value] of Object.entries(raw.attempts)) {
      const record = parseRecord(value);
      if (record !== undefined && parseAttemptKey(key) !== undefined) attempts[key] = record;
    }
  }
  const marker = raw.loading;
  const loading =
    isRecord(marker) && typeof marker.attempt === "string" && parseAttemptKey(marker.attempt) !== undefined
      ? { attempt: marker.attempt, since: count(marker.since) }
      : null;
  return { version: 1, attempts, loading };
}

/** The text {@link parseHistory} reads back. */
export function serializeHistory(history: DeviceHistory): string {
  return JSON.stringify(history);
}

const EMPTY_RECORD: AttemptRecord = {
  successes: 0,
  failures: 0,
  memoryFailures: 0,
  memoryStreak: 0,
  lastMemoryFailureAt: 0,
  lastOutcome: "success",
  lastAt: 0,
};

/**
 * Adds one outcome of `attempt`. A success ends the memory streak; a memory failure extends it.
 * `input` and `cancelled` are not the attempt's fault and leave the history unchanged.
 */
export function recordOutcome(history: DeviceHistory, attempt: Attempt, outcome: AttemptOutcome, now: number): DeviceHistory {
  if (outcome === "input" || outcome === "cancelled") return history;
  const key = attemptKey(attempt);
  const previous = history.attempts[key] ?? EMPTY_RECORD;
  const memory = outcome === "memory";
  const record: AttemptRecord = {
    successes: previous.successes + (outcome === "success" ? 1 : 0),
    failures: previous.failures + (outcome === "success" ? 0 : 1),
    memoryFailures: previous.memoryFailures + (memory ? 1 : 0),
    memoryStreak: outcome === "success" ? 0 : previous.memoryStreak + (memory ? 1 : 0),
    lastMemoryFailureAt: memory ? now : previous.lastMemoryFailureAt,
    lastOutcome: outcome,
    lastAt: now,
  };
  return { ...history, attempts: { ...history.attempts, [key]: record } };
}

/** Sets the loading marker for `attempt` (replacing any other). */
export function markLoading(history: DeviceHistory, attempt: Attempt, now: number): DeviceHistory {
  return { ...history, loading: { attempt: attemptKey(attempt), since: now } };
}

/** Clears the loading marker. */
export function clearLoading(history: DeviceHistory): DeviceHistory {
  return history.loading === null ? history : { ...history, loading: null };
}

/**
 * Call once at start-up: a marker left from last time means the page died while loading that
 * attempt (the tab was killed for memory), so it is recorded as a memory failure and cleared.
 * Limitation: a second tab that is loading right now looks the same; we accept the false alarm.
 */
export function recoverInterruptedLoad(history: DeviceHistory): { readonly history: DeviceHistory; readonly interrupted: Attempt | undefined } {
  if (history.loading === null) return { history, interrupted: undefined };
  const attempt = parseAttemptKey(history.loading.attempt);
  const cleared = clearLoading(history);
  if (attempt === undefined) return { history: cleared, interrupted: undefined };
  return { history: recordOutcome(cleared, attempt, "memory", history.loading.since), interrupted: attempt };
}

/**
 * Whether the planner should keep, demote (move behind the others) or drop `attempt` on this device.
 * Its memory streak counts, and so does that of any attempt with the same or a smaller model on the
 * same device: if tiny ran WASM out of memory, base will too. Failures older than
 * {@link MEMORY_FAILURE_TTL_MS} before `now` are ignored; without `now` none expire.
 */
export function memoryVerdict(history: DeviceHistory, attempt: Attempt, now?: number): MemoryVerdict {
  const rank = MODEL_ORDER.indexOf(attempt.model);
  let streak = 0;
  for (const [key, record] of Object.entries(history.attempts)) {
    const other = parseAttemptKey(key);
    if (other === undefined || other.device !== attempt.device || MODEL_ORDER.indexOf(other.model) > rank) continue;
    if (now !== undefined && now - record.lastMemoryFailureAt > MEMORY_FAILURE_TTL_MS) continue;
    streak = Math.max(streak, record.memoryStreak);
  }
  if (streak >= DROP_AFTER_MEMORY_FAILURES) return "drop";
  return streak > 0 ? "demote" : "keep";
}

/**
 * Why a Telegram job did not end with its transcript in the chat, and the one decision both the
 * chat and the app's inbox make from it: whether a Retry button can help, and what to say instead
 * when it cannot. Browser-safe (the relay's messages and the app's inbox both import it), so the two
 * sides cannot disagree about which failures are worth retrying.
 */

/**
 * How a job failed or fell short. The first three are about the file itself — no device and no
 * second try will change them. The rest are about the moment: memory, a cancel, a closed tab, a
 * Telegram that would not take the message, nobody opening the app in time, or an unknown reason.
 */
export type FailureKind =
  /** The file is not audio the app can read. */
  | "not-audio"
  /** The file is empty, cut short or damaged, or has no sound in it. */
  | "empty"
  /** Over the 20 MB Telegram lets bots download. */
  | "too-large"
  /** The model ran out of memory on every attempt of the device's plan. */
  | "memory"
  /** Stopped on the device; the job was given back. */
  | "cancelled"
  /** The page working on it closed; its lease ran out and the job was given back. */
  | "tab-closed"
  /** The outcome could not be shown in the chat, even after retries. */
  | "delivery-failed"
  /** No device took it before it expired. */
  | "expired"
  /** A failure the relay was not told the kind of (an older app, or a reason no table names). */
  | "other";

/** Every failure kind, for validation and exhaustive tests. */
export const FAILURE_KINDS: readonly FailureKind[] = ["not-audio", "empty", "too-large", "memory", "cancelled", "tab-closed", "delivery-failed", "expired", "other"];

/** The kinds a browser reports with a failure (POST …/failure): the ones that end the job for every device. */
export type PostedFailureKind = Extract<FailureKind, "not-audio" | "empty" | "too-large" | "memory">;

/** Every posted failure kind, for validation. */
export const POSTED_FAILURE_KINDS: readonly PostedFailureKind[] = ["not-audio", "empty", "too-large", "memory"];

const RETRY_HELPS: Readonly<Record<FailureKind, boolean>> = {
  "not-audio": false,
  empty: false,
  "too-large": false,
  memory: true,
  cancelled: true,
  "tab-closed": true,
  "delivery-failed": true,
  expired: true,
  other: true,
};

/** What to do instead of retrying, for the kinds where retrying cannot help. */
const INSTEAD: Readonly<Partial<Record<FailureKind, string>>> = {
  "not-audio": "Retrying will not help: send it as a voice message, or as an MP3, M4A, Ogg or WAV file.",
  empty: "Retrying will not help: the file is empty or cut short. Record or export it again and send the new file.",
  "too-large": "Retrying will not help: Telegram lets bots download files up to 20 MB. Send a shorter recording or a compressed version.",
};

/**
 * Use wherever a Retry button might be shown (the chat's outcome message, the app's inbox, the
 * retry route): true when another attempt can succeed, false when the file itself is the problem.
 */
export function retryHelps(kind: FailureKind): boolean {
  return RETRY_HELPS[kind];
}

/** What the person should do instead of retrying, for a kind where {@link retryHelps} is false; null otherwise. */
export function insteadOfRetry(kind: FailureKind): string | null {
  return RETRY_HELPS[kind] ? null : (INSTEAD[kind] ?? null);
}

/** Narrows untrusted input (a request body, a stored value) to a {@link FailureKind}. */
export function isFailureKind(value: unknown): value is FailureKind {
  return typeof value === "string" && FAILURE_KINDS.some((kind) => kind === value);
}

/** Narrows untrusted input to a {@link PostedFailureKind}. */
export function isPostedFailureKind(value: unknown): value is PostedFailureKind {
  return typeof value === "string" && POSTED_FAILURE_KINDS.some((kind) => kind === value);
}

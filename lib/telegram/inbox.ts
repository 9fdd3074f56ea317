/**
 * The Telegram side of the PWA as pure logic: where the relay is, the session kept in
 * localStorage, the inbox of jobs (a reducer over the relay's job list, its events and what this
 * device did), and the words the panel shows. Browser-safe and free of I/O, so it is unit-tested
 * in Node; `lib/telegram-jobs-runner.ts` drives it against the relay.
 */
import type { ClientConfig } from "../app-config";
import { isRecord } from "../guards";
import { type JobGoneReason, type JobKind, type JobSummary, type RelayUser } from "../relay/protocol";
import { parseRelayUser } from "../relay/parse";
import { RelayClientError } from "../relay/client-error";

// ---------------------------------------------------------------------------------------------
// Where the relay is

/** The parts of `window.location` that {@link relayBaseUrl} needs. */
export interface PageLocation {
  readonly protocol: string;
  readonly hostname: string;
}

/**
 * The relay's base URL as the browser should reach it: `RELAY_PUBLIC_URL` when the deployment set
 * one, otherwise this page's host on `RELAY_PORT` (how `npm start` runs them side by side).
 */
export function relayBaseUrl(config: Pick<ClientConfig, "relayUrl" | "relayPort">, location: PageLocation): string {
  if (config.relayUrl !== null) return config.relayUrl.replace(/\/+$/, "");
  const host = location.hostname.includes(":") && !location.hostname.startsWith("[") ? `[${location.hostname}]` : location.hostname;
  return `${location.protocol}//${host}:${config.relayPort}`;
}

// ---------------------------------------------------------------------------------------------
// What is kept in localStorage

/** The localStorage key of the linked session ({@link StoredRelaySession} as JSON). */
export const RELAY_SESSION_KEY = "whisper:relay-session:v1";

/** The localStorage key of the "transcribe Telegram messages automatically" switch ("on" / "off"). */
export const TELEGRAM_AUTO_KEY = "whisper:telegram-auto";

/** A linked session as kept on this device: the bearer token, who it acts for, and which relay issued it. */
export interface StoredRelaySession {
  readonly token: string;
  readonly user: RelayUser;
  readonly baseUrl: string;
}

/** Reads a stored session; null for nothing, malformed JSON, or a token issued by another relay than `baseUrl`. */
export function parseStoredSession(text: string | null, baseUrl: string): StoredRelaySession | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.token !== "string" || raw.token.length === 0 || raw.baseUrl !== baseUrl) return null;
  const user = parseRelayUser(raw.user);
  return user.ok ? { token: raw.token, user: user.value, baseUrl } : null;
}

/** The JSON to store for a session; read it back with {@link parseStoredSession}. */
export function serializeSession(session: StoredRelaySession): string {
  return JSON.stringify({ token: session.token, user: session.user, baseUrl: session.baseUrl });
}

/** The automatic-transcription switch; on unless the user turned it off. */
export function parseAutoSetting(text: string | null): boolean {
  return text !== "off";
}

// ---------------------------------------------------------------------------------------------
// Linking

/** The Telegram user as the panel names them: "Ada Lovelace (@ada)". */
export function describeUser(user: RelayUser): string {
  const name = [user.firstName, user.lastName].filter((part): part is string => part !== null && part.length > 0).join(" ");
  const shown = name.length > 0 ? name : `user ${user.id}`;
  return user.username === null ? shown : `${shown} (@${user.username})`;
}

/** Why the relay cannot be used at all from this page. */
export type RelayUnavailableReason = "no-bot" | "unreachable";

/** What a health check of the relay says; see {@link parseHealthBot}. */
export type RelayHealth = "ready" | RelayUnavailableReason;

/** Reads the `bot` field of GET /healthz: "ready" when the bot runs, "no-bot" when the relay runs without one. */
export function parseHealthBot(body: unknown): RelayHealth {
  return isRecord(body) && body.bot === "enabled" ? "ready" : "no-bot";
}

/** One short sentence for each {@link RelayUnavailableReason}. */
export const UNAVAILABLE_TEXT: Readonly<Record<RelayUnavailableReason, string>> = {
  "no-bot": "No Telegram bot is set up for this app, so voice messages can't be sent here. Everything else works.",
  unreachable: "The Telegram relay can't be reached right now. Everything else works; try again later.",
};

/** How a failed link attempt is told: unavailable (no bot, no relay) or a message for the user. */
export type LinkFailure = { readonly kind: "unavailable"; readonly reason: RelayUnavailableReason } | { readonly kind: "failed"; readonly message: string };

/** Turns what linking threw into what the panel says; `via` picks the wording for a refused code or init data. */
export function linkFailure(error: unknown, via: "telegram" | "code"): LinkFailure {
  if (!(error instanceof RelayClientError)) return { kind: "failed", message: "Linking failed: the relay's answer made no sense." };
  if (error.apiCode === "network") return { kind: "unavailable", reason: "unreachable" };
  if (error.apiCode === "bot_disabled") return { kind: "unavailable", reason: "no-bot" };
  switch (error.status) {
    case 401:
      return {
        kind: "failed",
        message:
          via === "telegram"
            ? "Linking failed (401): Telegram's sign-in data was not accepted. Close the app and open it again from the bot."
            : "Linking failed (401): that code is not valid or has expired. Send /link to the bot for a new one.",
      };
    case 400:
      return { kind: "failed", message: `Linking failed (400): ${error.message}` };
    case 429:
      return { kind: "failed", message: "Linking failed (429): too many attempts. Wait a minute and try again." };
    default:
      return { kind: "failed", message: `Linking failed (${error.status}): ${error.message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// The inbox

/** What this device is doing or did with a job, on top of the relay's state. */
export type LocalJobState =
  | { readonly kind: "none" }
  | { readonly kind: "claiming" }
  | { readonly kind: "downloading" }
  | { readonly kind: "transcribing" }
  | { readonly kind: "sending" }
  /** Transcribed here and the result posted. */
  | { readonly kind: "sent"; readonly text: string }
  /** Cancelled or failed here and given back to the relay, so another device (or a retry) can take it. */
  | { readonly kind: "released"; readonly reason: "cancelled" | "failed"; readonly message: string | null }
  /** Another session holds it (our claim lost, or our lease expired). */
  | { readonly kind: "taken" };

/** One job in the inbox. */
export interface InboxEntry {
  readonly job: JobSummary;
  readonly local: LocalJobState;
}

/** The inbox, oldest job first. */
export interface InboxState {
  readonly entries: readonly InboxEntry[];
}

/** Changes to the inbox. */
export type InboxAction =
  /** GET /api/jobs answered: the user's pending and claimed jobs. */
  | { readonly type: "listed"; readonly jobs: readonly JobSummary[] }
  /** A `job` event: a job appeared or changed state. */
  | { readonly type: "job"; readonly job: JobSummary }
  /** A `job-gone` event. */
  | { readonly type: "gone"; readonly id: string; readonly reason: JobGoneReason }
  /** This device started, progressed or ended work on a job. */
  | { readonly type: "local"; readonly id: string; readonly local: LocalJobState }
  /** Signed out: forget everything. */
  | { readonly type: "clear" };

/** An empty inbox. */
export const EMPTY_INBOX: InboxState = { entries: [] };

/** How many finished jobs the inbox keeps on show. */
export const MAX_FINISHED_ENTRIES = 20;

const WORKING: ReadonlySet<LocalJobState["kind"]> = new Set(["claiming", "downloading", "transcribing", "sending"]);

/** True while this device is working on the job (claimed it and has not finished). */
export function isWorking(local: LocalJobState): boolean {
  return WORKING.has(local.kind);
}

function isOpen(job: JobSummary): boolean {
  return job.state === "pending" || job.state === "claimed";
}

function byCreation(a: InboxEntry, b: InboxEntry): number {
  return a.job.createdAt < b.job.createdAt ? -1 : a.job.createdAt > b.job.createdAt ? 1 : a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0;
}

/** Merges news about a job from the relay into what this device knows of it. */
function merge(entry: InboxEntry | undefined, job: JobSummary): InboxEntry {
  if (entry === undefined) return { job, local: { kind: "none" } };
  const local = entry.local;
  // A job offered again (a lease expired, the chat's Retry) may be taken again, unless the user cancelled it here.
  if (job.state === "pending" && (local.kind === "taken" || (local.kind === "sent" && entry.job.state !== "pending"))) return { job, local: { kind: "none" } };
  return { job, local };
}

function trimFinished(entries: InboxEntry[]): InboxEntry[] {
  const finished = entries.filter((entry) => !isOpen(entry.job) && !isWorking(entry.local));
  if (finished.length <= MAX_FINISHED_ENTRIES) return entries;
  const drop = new Set(finished.slice(0, finished.length - MAX_FINISHED_ENTRIES));
  return entries.filter((entry) => !drop.has(entry));
}

/** The inbox reducer: relay news merges into each job; this device's own work is kept over it. */
export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case "clear":
      return EMPTY_INBOX;
    case "listed": {
      const listed = new Map(action.jobs.map((job) => [job.id, job]));
      const entries: InboxEntry[] = [];
      for (const entry of state.entries) {
        const job = listed.get(entry.job.id);
        if (job !== undefined) {
          entries.push(merge(entry, job));
          listed.delete(entry.job.id);
        } else if (!isOpen(entry.job) || isWorking(entry.local) || entry.local.kind === "sent") {
          // Finished jobs stay on show; one we work on stays until we are done with it.
          entries.push(entry);
        }
        // An open job the relay no longer lists finished while we were away: its `job-gone` was missed.
      }
      for (const job of listed.values()) entries.push({ job, local: { kind: "none" } });
      return { entries: trimFinished(entries.sort(byCreation)) };
    }
    case "job": {
      const existing = state.entries.find((entry) => entry.job.id === action.job.id);
      const next = merge(existing, action.job);
      const entries = existing === undefined ? [...state.entries, next].sort(byCreation) : state.entries.map((entry) => (entry === existing ? next : entry));
      return { entries: trimFinished(entries) };
    }
    case "gone": {
      let found = false;
      const entries = state.entries.map((entry) => {
        if (entry.job.id !== action.id) return entry;
        found = true;
        return { ...entry, job: { ...entry.job, state: action.reason } };
      });
      return found ? { entries: trimFinished(entries) } : state;
    }
    case "local": {
      let found = false;
      const entries = state.entries.map((entry) => {
        if (entry.job.id !== action.id) return entry;
        found = true;
        return { ...entry, local: action.local };
      });
      return found ? { entries } : state;
    }
  }
}

/**
 * The job automatic mode should take next: the oldest one the relay offers (`pending`, not yet
 * expired) that this device has not touched. Jobs cancelled or failed here wait for the user.
 */
export function nextJobToTake(state: InboxState, now: number): JobSummary | null {
  for (const entry of state.entries) {
    if (entry.job.state !== "pending" || entry.local.kind !== "none") continue;
    const expires = Date.parse(entry.job.expiresAt);
    if (Number.isFinite(expires) && expires <= now) continue;
    return entry.job;
  }
  return null;
}

/** True when the user may start this job by hand (pending at the relay, and nothing running here on it). */
export function canTakeByHand(entry: InboxEntry): boolean {
  return entry.job.state === "pending" && !isWorking(entry.local);
}

/** One word for the entry's state, for `data-state` attributes and styling. */
export function entryStateName(entry: InboxEntry): string {
  return entry.local.kind === "none" ? entry.job.state : entry.local.kind;
}

const KIND_LABELS: Readonly<Record<JobKind, string>> = {
  voice: "Voice message",
  audio: "Audio",
  video_note: "Video message",
  document: "Audio file",
};

function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** "Voice message, 0:07" or "Audio file “talk.mp3”". */
export function jobTitle(job: JobSummary): string {
  const label = KIND_LABELS[job.kind];
  const named = job.fileName === null || job.kind === "voice" || job.kind === "video_note" ? label : `${label} “${job.fileName}”`;
  return job.duration === null ? named : `${named}, ${clock(job.duration)}`;
}

/** What the inbox says about an entry. */
export function entryStatusText(entry: InboxEntry): string {
  const local = entry.local;
  switch (local.kind) {
    case "claiming":
      return "Taking it…";
    case "downloading":
      return "Fetching the audio…";
    case "transcribing":
      return "Transcribing on this device…";
    case "sending":
      return "Sending the text to Telegram…";
    case "sent":
      return "Done — the text is in the chat.";
    case "released":
      return local.reason === "cancelled"
        ? "Cancelled here; it waits in Telegram for you or another device."
        : `Failed on this device (${local.message ?? "unknown error"}); it waits in Telegram for another try.`;
    case "taken":
      if (entry.job.state !== "pending" && entry.job.state !== "claimed") break;
      return "Another device or tab is transcribing it.";
    case "none":
      break;
  }
  switch (entry.job.state) {
    case "pending":
      return "Waiting to be transcribed.";
    case "claimed":
      return "Another device or tab is transcribing it.";
    case "done":
      return "Done.";
    case "failed":
      return "Failed; Telegram has a Retry button.";
    case "expired":
      return "Expired: nobody transcribed it in time.";
  }
}

// ---------------------------------------------------------------------------------------------
// Running a job

const EXTENSIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/ogg|opus/, "ogg"],
  [/webm/, "webm"],
  [/mpeg|mp3/, "mp3"],
  [/mp4|m4a|aac/, "m4a"],
  [/wav/, "wav"],
  [/flac/, "flac"],
];

/** The file name to give a job's audio: Telegram's, else one made from its kind and MIME type (`voice-<id>.ogg`). */
export function audioFileName(job: JobSummary, contentType: string | null): string {
  if (job.fileName !== null && job.fileName.trim().length > 0) return job.fileName.trim();
  const type = (contentType ?? job.mime ?? "").toLowerCase();
  const extension = EXTENSIONS.find(([pattern]) => pattern.test(type))?.[1] ?? (job.kind === "video_note" ? "mp4" : "ogg");
  return `${job.kind.replace("_", "-")}-${job.id}.${extension}`;
}

/** The MIME type to give a job's audio: the relay's unless it is the generic octet-stream, else Telegram's. */
export function audioMimeType(job: JobSummary, contentType: string | null): string {
  const sent = contentType?.split(";")[0]?.trim() ?? "";
  if (sent.length > 0 && sent !== "application/octet-stream") return sent;
  return job.mime ?? sent;
}

/** How often to renew a lease of `leaseSeconds`: three times per lease, at most every 30 s, at least every second. */
export function heartbeatIntervalMs(leaseSeconds: number): number {
  return Math.round(Math.min(30, Math.max(1, leaseSeconds / 3)) * 1000);
}

/**
 * The inbox of Telegram jobs as pure logic: a reducer over the relay's job list, its events and what
 * this device did, which job to take next, and the words the panel shows. Browser-safe and free of
 * I/O, so it is unit-tested in Node; `lib/telegram/jobs-runner.ts` drives it against the relay.
 */
import { insteadOfRetry, retryHelps, type FailureKind } from "../relay/failure-kinds";
import type { LanguageChoice } from "../transcription/language-choice";
import type { JobGoneData, JobGoneReason, JobKind, JobSummary } from "../relay/protocol";

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
  | { readonly kind: "sent"; readonly text: string; readonly languageChoice?: LanguageChoice }
  /** Cancelled or failed here and given back to the relay, so another device (or a retry) can take it. */
  | { readonly kind: "released"; readonly reason: "cancelled" | "failed"; readonly message: string | null }
  /** Failed here for a reason no other device would overcome; the relay was told, so the chat shows it. */
  | { readonly kind: "failed"; readonly message: string; readonly failureKind?: FailureKind }
  /** Another session holds it (our claim lost, or our lease expired). */
  | { readonly kind: "taken" };

/** One job in the inbox. */
export interface InboxEntry {
  readonly job: JobSummary;
  readonly local: LocalJobState;
  /** Why the job failed, as the relay said when it ended. */
  readonly failure?: string;
  /** The relay could not show the outcome in the chat, even after retries. */
  readonly deliveryFailed?: boolean;
  /** Why it failed or fell short, as the relay judged it when it ended. */
  readonly failureKind?: FailureKind;
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
  | {
      readonly type: "gone";
      readonly id: string;
      readonly reason: JobGoneReason;
      readonly message?: string;
      readonly deliveryFailed?: boolean;
      readonly failureKind?: FailureKind;
    }
  /** This device started, progressed or ended work on a job. */
  | { readonly type: "local"; readonly id: string; readonly local: LocalJobState }
  /** Signed out: forget everything. */
  | { readonly type: "clear" };

/** The inbox action of a `job-gone` event: the end, with why it failed and whether the chat was told. */
export function goneAction(gone: JobGoneData): InboxAction {
  return {
    type: "gone",
    id: gone.id,
    reason: gone.reason,
    ...(gone.message === undefined ? {} : { message: gone.message }),
    ...(gone.deliveryFailed === true ? { deliveryFailed: true } : {}),
    ...(gone.failureKind === undefined ? {} : { failureKind: gone.failureKind }),
  };
}

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
  // A job offered again (a lease expired, a Retry) may be taken again, unless the user cancelled it here.
  const again = entry.job.state !== "pending" && (local.kind === "sent" || local.kind === "failed");
  if (job.state === "pending" && (local.kind === "taken" || again)) return { job, local: { kind: "none" } };
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
        // Each job-gone says the whole truth: one without `deliveryFailed` follows a delivery resent.
        const { deliveryFailed: _was, failureKind: _before, ...rest } = entry;
        return {
          ...rest,
          job: { ...entry.job, state: action.reason },
          ...(action.message === undefined ? {} : { failure: action.message }),
          ...(action.deliveryFailed === true ? { deliveryFailed: true } : {}),
          ...(action.failureKind === undefined ? {} : { failureKind: action.failureKind }),
        };
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

/**
 * Why the entry failed or fell short, or null: what the relay said when it ended (a delivery that
 * failed, a failure's kind, expiry), else what happened on this device (cancelled, failed here).
 */
export function entryFailureKind(entry: InboxEntry): FailureKind | null {
  const { job, local } = entry;
  if (entry.deliveryFailed === true) return "delivery-failed";
  if (job.state === "expired") return "expired";
  if (job.state === "failed" || local.kind === "failed") return entry.failureKind ?? (local.kind === "failed" ? (local.failureKind ?? "other") : "other");
  if (job.state === "pending" && local.kind === "released") return local.reason === "cancelled" ? "cancelled" : "other";
  return null;
}

/**
 * What the entry's Retry button does, or null for none (the same table as the chat's:
 * `failure-kinds.ts`). `take`: the job waits at the relay, so this device takes it again;
 * `relay`: the relay requeues it (or resends its outcome) through the retry route.
 */
export function retryAction(entry: InboxEntry): "take" | "relay" | null {
  const kind = entryFailureKind(entry);
  if (kind === null || !retryHelps(kind) || isWorking(entry.local)) return null;
  return entry.job.state === "pending" ? "take" : "relay";
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
  if (entry.deliveryFailed === true) {
    return entry.job.state === "done"
      ? "Transcribed, but Telegram would not take the text; it is kept on this device if it ran here."
      : "It ended, but Telegram would not take the message; see the chat's Retry button or send it again.";
  }
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
    case "failed":
      if (entry.job.state === "failed" || entry.job.state === "claimed") return failedText(local.message, entryFailureKind(entry) ?? "other");
      break;
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
      return entry.failure === undefined ? "Failed; tap Retry to try again." : failedText(entry.failure, entryFailureKind(entry) ?? "other");
    case "expired":
      return "Expired: nobody transcribed it in time.";
  }
}

function failedText(message: string, kind: FailureKind): string {
  return `Failed: ${message}. ${insteadOfRetry(kind) ?? "Tap Retry to try again."}`;
}

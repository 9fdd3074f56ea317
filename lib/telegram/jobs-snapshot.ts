/** What the Telegram runner shows (its snapshot) and how a page sets it up (its options). */
import type { FetchLike } from "../relay/client";
import type { RelayUser } from "../relay/protocol";
import type { KeyValueStorage } from "../storage";
import { EMPTY_INBOX, type InboxState } from "./inbox";
import type { FinishedJob } from "./job-run";
import type { RelayHealth, RelayUnavailableReason } from "./relay-link";
import type { SubscriptionOptions } from "../relay/event-subscription";

/** Where linking stands. */
export type LinkState =
  /** Not linked; `notice` says why when the relay signed this browser out. */
  | { readonly kind: "idle"; readonly notice: string | null }
  | { readonly kind: "checking" }
  | { readonly kind: "linking"; readonly via: "telegram" | "code" }
  | { readonly kind: "linked"; readonly user: RelayUser }
  | { readonly kind: "unlinking" }
  /** No bot behind the relay, or no relay at all: the rest of the app works on. */
  | { readonly kind: "unavailable"; readonly reason: RelayUnavailableReason }
  /** The relay refused to link (a forged or stale Mini App launch, a wrong code). */
  | { readonly kind: "failed"; readonly message: string };

/** Everything the panel shows. */
export interface TelegramJobsSnapshot {
  /** False until {@link TelegramJobsRunner.start} ran (and during server rendering). */
  readonly started: boolean;
  /** The page was opened as a Telegram Mini App (it has signed init data). */
  readonly inTelegram: boolean;
  readonly link: LinkState;
  /** What the last health check said; "unknown" before one was made. */
  readonly relay: RelayHealth | "unknown";
  /** The event stream is open. */
  readonly connected: boolean;
  readonly inbox: InboxState;
  /** Transcribe Telegram messages automatically while the page is open. */
  readonly auto: boolean;
  /** The job this page is working on, if any. */
  readonly currentJobId: string | null;
}

/** The snapshot before start (also the server's). */
export const INITIAL_TELEGRAM_SNAPSHOT: TelegramJobsSnapshot = {
  started: false,
  inTelegram: false,
  link: { kind: "idle", notice: null },
  relay: "unknown",
  connected: false,
  inbox: EMPTY_INBOX,
  auto: true,
  currentJobId: null,
};

/** Options of {@link TelegramJobsRunner}. */
export interface TelegramJobsOptions {
  /** The relay's base URL (see `relayBaseUrl`). */
  readonly baseUrl: string;
  /** Where the session token and the automatic switch are kept (the page's localStorage). */
  readonly storage: KeyValueStorage;
  /**
   * The Mini App launch (its raw `tgWebAppData` and the user read from it, see `currentLaunchParams`
   * in launch-params.ts), or null outside Telegram.
   */
  readonly launch: { readonly initData: string; readonly user?: { readonly id: number } } | null;
  readonly fetch?: FetchLike;
  readonly now?: () => number;
  /** Called after a transcript was posted (e.g. to keep it in the on-device history). */
  readonly onFinished?: (finished: FinishedJob) => void;
  /** The browser's languages (`navigator.languages`), preferred for jobs when detection is unsure; none when absent. */
  readonly browserLanguages?: () => readonly string[];
  /** Reconnection timing of the event stream. */
  readonly subscription?: SubscriptionOptions;
  /** Delay before automatic mode tries again after the relay could not be reached; default 5 s. */
  readonly retryDelayMs?: number;
}

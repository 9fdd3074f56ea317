/**
 * Linking this page to the relay, as pure logic: where the relay is, the session and the automatic
 * switch kept in localStorage, whether a bot runs behind the relay, and why linking failed, in the
 * words the panel shows. The Telegram runner (jobs-runner.ts) drives it.
 */
import type { ClientConfig } from "../app-config";
import { isRecord } from "../guards";
import { describeError } from "../errors";
import { createLogger } from "../logger";
import type { FetchLike } from "../relay/client";
import { RELAY_PATHS, type RelayUser } from "../relay/protocol";
import { RelayClientError } from "../relay/client-error";
import { parseRelayUser } from "../relay/parse";

const log = createLogger("telegram");

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

/** Asks the relay's `/healthz` whether a bot runs behind it; "unreachable" when it does not answer. */
export async function fetchRelayHealth(fetchImpl: FetchLike, baseUrl: string): Promise<RelayHealth> {
  try {
    const response = await fetchImpl(baseUrl + RELAY_PATHS.health, { cache: "no-store" });
    return response.ok ? parseHealthBot(await response.json()) : "unreachable";
  } catch (error) {
    log.debug("the relay's health check failed", describeError(error));
    return "unreachable";
  }
}

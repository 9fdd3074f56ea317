/**
 * The security part of the relay's configuration: which origins may call it, which proxies it
 * trusts for the client address, how long sessions live and how many a user keeps, and how many
 * `/link` code guesses it allows, and how long finished jobs are kept. Parsed with the same {@link Reader} as the rest of the config.
 */
import type { Reader } from "./config-reader";

/** Whose `X-Forwarded-For` entries the relay believes. */
export type TrustProxy =
  | { readonly kind: "none" }
  /** The last `hops` entries were added by the relay's own proxies. */
  | { readonly kind: "hops"; readonly hops: number }
  /** Entries added by these peer addresses are trusted, the first other one is the client. */
  | { readonly kind: "addresses"; readonly addresses: readonly string[] };

/** See the module comment; every field is part of `RelayConfig`. */
export interface SecurityConfig {
  /** Origins allowed by CORS; `["*"]` allows any (only when configured so). */
  readonly corsOrigins: readonly string[];
  /** Answer Chrome's Private Network Access preflight (`RELAY_ALLOW_PRIVATE_NETWORK=1`). */
  readonly allowPrivateNetwork: boolean;
  readonly trustProxy: TrustProxy;
  /** A session unused this long ends (sliding). */
  readonly sessionIdleSeconds: number;
  /** A session ends this long after sign-in, used or not. */
  readonly sessionMaxAgeSeconds: number;
  /** Sessions a user may keep; linking one more signs out the oldest. */
  readonly sessionsPerUser: number;
  /** `/link` code attempts per client address per minute. */
  readonly codeGuessesPerMinute: number;
  /** `/link` code attempts per minute from all clients together. */
  readonly codeGuessesGlobalPerMinute: number;
  /** Finished jobs (with their audio references) are deleted this long after they finished. */
  readonly retentionSeconds: number;
}

const DAY = 86_400;

const DEFAULTS = {
  appPort: 3000,
  sessionIdleSeconds: 30 * DAY,
  sessionMaxAgeSeconds: 180 * DAY,
  sessionsPerUser: 10,
  codeGuessesPerMinute: 10,
  codeGuessesGlobalPerMinute: 300,
  retentionSeconds: 3 * DAY,
} as const;

/**
 * `RELAY_CORS_ORIGIN`, else the app's own origin: `PUBLIC_URL`'s, or with no `PUBLIC_URL` the app
 * on this host (`http://localhost:<PORT>` and `http://127.0.0.1:<PORT>`, PORT default 3000).
 */
export function parseCors(reader: Reader, publicUrl: string | null): readonly string[] {
  const text = reader.raw("RELAY_CORS_ORIGIN");
  if (text === null) {
    if (publicUrl !== null) return [new URL(publicUrl).origin];
    const port = reader.integer("PORT", DEFAULTS.appPort, 1, 65_535);
    return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  }
  const origins: string[] = [];
  for (const item of text.split(",").map((part) => part.trim()).filter((part) => part.length > 0)) {
    if (item === "*") {
      origins.push(item);
      continue;
    }
    try {
      const url = new URL(item);
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== item.replace(/\/$/, "")) throw new TypeError(item);
      origins.push(url.origin);
    } catch {
      reader.problem("RELAY_CORS_ORIGIN", `"${item}" is not an origin like https://app.example.com (scheme, host and port only), or *`);
    }
  }
  if (origins.length === 0) reader.problem("RELAY_CORS_ORIGIN", "names no origin");
  return origins;
}

const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:.]+)$/;

/** `RELAY_TRUST_PROXY`: unset or 0 (trust none), a number of hops, or a comma-separated list of proxy addresses. */
export function parseTrustProxy(reader: Reader): TrustProxy {
  const text = reader.raw("RELAY_TRUST_PROXY");
  if (text === null || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) return { kind: "hops", hops: reader.integer("RELAY_TRUST_PROXY", 0, 0, 20) };
  const addresses = text.split(",").map((part) => part.trim()).filter((part) => part.length > 0);
  const bad = addresses.filter((address) => !ADDRESS.test(address) || !address.match(/[.:]/));
  if (bad.length > 0 || addresses.length === 0) {
    reader.problem("RELAY_TRUST_PROXY", `must be a number of proxy hops or a list of proxy IP addresses, got "${text}"`);
    return { kind: "none" };
  }
  return { kind: "addresses", addresses };
}

/** Reads everything in {@link SecurityConfig}; `publicUrl` is the parsed `PUBLIC_URL`. */
export function parseSecurity(reader: Reader, publicUrl: string | null): SecurityConfig {
  const allowText = reader.raw("RELAY_ALLOW_PRIVATE_NETWORK");
  if (allowText !== null && allowText !== "0" && allowText !== "1") reader.problem("RELAY_ALLOW_PRIVATE_NETWORK", `must be 0 or 1, got "${allowText}"`);
  const sessionIdleSeconds = reader.integer("SESSION_IDLE_S", DEFAULTS.sessionIdleSeconds, 60, 3650 * DAY);
  const sessionMaxAgeSeconds = reader.integer("SESSION_MAX_AGE_S", DEFAULTS.sessionMaxAgeSeconds, 60, 3650 * DAY);
  if (sessionMaxAgeSeconds < sessionIdleSeconds) reader.problem("SESSION_MAX_AGE_S", "must not be shorter than SESSION_IDLE_S");
  return {
    corsOrigins: parseCors(reader, publicUrl),
    allowPrivateNetwork: allowText === "1",
    trustProxy: parseTrustProxy(reader),
    sessionIdleSeconds,
    sessionMaxAgeSeconds,
    sessionsPerUser: reader.integer("RELAY_SESSIONS_PER_USER", DEFAULTS.sessionsPerUser, 1, 1000),
    codeGuessesPerMinute: reader.integer("RELAY_CODE_GUESSES_PER_MIN", DEFAULTS.codeGuessesPerMinute, 1, 1_000_000),
    codeGuessesGlobalPerMinute: reader.integer("RELAY_CODE_GUESSES_GLOBAL_PER_MIN", DEFAULTS.codeGuessesGlobalPerMinute, 1, 10_000_000),
    retentionSeconds: reader.integer("RELAY_RETENTION_S", DEFAULTS.retentionSeconds, 60, 3650 * DAY),
  };
}

/**
 * The relay's configuration, read from the environment once at start-up. `parseConfig` is pure:
 * it returns a complete, typed config or throws one `ConfigError` naming every bad variable, so a
 * misconfigured relay stops at once with a message that says what to fix.
 */
import { AppError } from "../lib/errors";
import { Reader } from "./config-reader";
import { parseSecurity, type SecurityConfig } from "./config-security";

/**
 * Where jobs, sessions and events are kept: a SQLite file (one relay), or a Redis server that
 * several relays share behind a load balancer. `prefix` starts every Redis key, so deployments (or
 * tests) can share one Redis database.
 */
export type StoreLocation =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "redis"; readonly url: string; readonly prefix: string; readonly commandTimeoutMs: number };

/** How the bot receives updates. */
export type BotMode =
  | { readonly kind: "polling" }
  | { readonly kind: "webhook"; readonly url: string; readonly path: string; readonly secret: string | null };

/** Everything the relay reads from the environment, validated. */
export interface RelayConfig extends SecurityConfig {
  /** Null: the relay runs without the bot (the HTTP API still answers). */
  readonly botToken: string | null;
  /** Bot API base URL without a trailing slash. */
  readonly apiRoot: string;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly store: StoreLocation;
  /** The app's public URL, for the Mini App button; null when unknown. */
  readonly publicUrl: string | null;
  readonly botMode: BotMode;
  readonly initDataMaxAgeSeconds: number;
  readonly jobExpirySeconds: number;
  readonly leaseSeconds: number;
  /** Files larger than this are refused before any download (Bot API: 20 MB). */
  readonly maxFileBytes: number;
  /** New jobs per Telegram user per minute. */
  readonly jobsPerMinute: number;
  /** HTTP API requests per session user per minute. */
  readonly requestsPerMinute: number;
  /** Sign-ins with valid init data per client address per minute (code guesses have their own limits). */
  readonly linksPerMinute: number;
  /** How often leases, expiries and undelivered results are checked, in milliseconds. */
  readonly sweepIntervalMs: number;
  /**
   * How long one relay holds the right to tell a chat about a job, in milliseconds (paced calls
   * add to it): after a crash mid-delivery, that delivery resumes this long after it started.
   */
  readonly deliveryLockMs: number;
  /**
   * With Redis and long polling: how long the polling instance's lease lasts without renewal,
   * in milliseconds. It is renewed every third of that; a standby takes over within about this long
   * after the polling instance dies.
   */
  readonly leaderLeaseMs: number;
  /** Names this process in logs, /healthz and Redis; null: host name, process id and a random suffix. */
  readonly instanceId: string | null;
}

/** One bad environment variable and why. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** Thrown by {@link parseConfig}; `problems` lists every bad variable, the message joins them. */
export class ConfigError extends AppError {
  override readonly name: string = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      "config_invalid",
      `Invalid relay configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`,
      { context: { variables: problems.map((p) => p.variable) } },
    );
    this.problems = problems;
  }
}

/** The environment as `process.env` gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Bot API's download limit for bots on the official server. */
const BOT_API_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

const DEFAULTS = {
  apiRoot: "https://api.telegram.org",
  host: "0.0.0.0",
  port: 3001,
  store: "sqlite:./data/relay.sqlite",
  initDataMaxAgeSeconds: 3600,
  jobExpirySeconds: 86_400,
  leaseSeconds: 60,
  jobsPerMinute: 20,
  requestsPerMinute: 600,
  linksPerMinute: 20,
  sweepIntervalMs: 1000,
  deliveryLockMs: 30_000,
  redisPrefix: "relay:",
  redisCommandTimeoutMs: 10_000,
  leaderLeaseMs: 5000,
} as const;

function withoutTrailingSlash(url: URL): string {
  return url.href.replace(/\/+$/, "");
}

function parseRedisUrl(reader: Reader, text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    reader.problem("RELAY_STORE", `is not a valid Redis URL, got "${redactUrl(text)}"`);
    return null;
  }
  if (url.hostname === "") reader.problem("RELAY_STORE", `needs a host, e.g. "redis://127.0.0.1:6379/0"`);
  if (url.pathname !== "" && url.pathname !== "/" && !/^\/\d{1,2}$/.test(url.pathname)) {
    reader.problem("RELAY_STORE", `the path must be a database number such as "/0", got "${url.pathname}"`);
  }
  return text;
}

/** `text` with the password of a URL like redis://user:secret@host removed, for logs and messages. */
export function redactUrl(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

function parseStore(reader: Reader): StoreLocation {
  const text = reader.raw("RELAY_STORE") ?? DEFAULTS.store;
  const prefix = reader.raw("RELAY_REDIS_PREFIX") ?? DEFAULTS.redisPrefix;
  if (!/^[A-Za-z0-9:_.{}-]{1,64}$/.test(prefix)) {
    reader.problem("RELAY_REDIS_PREFIX", `must be 1–64 characters of A–Z, a–z, 0–9, and : _ . - { }, got "${prefix}"`);
  }
  if (text.startsWith("sqlite:")) {
    const path = text.slice("sqlite:".length);
    if (path.length === 0) reader.problem("RELAY_STORE", `needs a file after "sqlite:", e.g. "sqlite:./data/relay.sqlite" or "sqlite::memory:"`);
    return { kind: "sqlite", path: path.length === 0 ? ":memory:" : path };
  }
  const commandTimeoutMs = reader.integer("RELAY_REDIS_TIMEOUT_MS", DEFAULTS.redisCommandTimeoutMs, 100, 120_000);
  if (text.startsWith("redis://") || text.startsWith("rediss://")) {
    const url = parseRedisUrl(reader, text);
    return { kind: "redis", url: url ?? text, prefix, commandTimeoutMs };
  }
  reader.problem("RELAY_STORE", `must be "sqlite:<file>" or "redis://host:port/db", got "${redactUrl(text)}"`);
  return { kind: "sqlite", path: ":memory:" };
}

function parseBotMode(reader: Reader): BotMode {
  const url = reader.url("WEBHOOK_URL", ["https:", "http:"]);
  const secret = reader.raw("WEBHOOK_SECRET");
  if (secret !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
    reader.problem("WEBHOOK_SECRET", "must be 1–256 characters of A–Z, a–z, 0–9, _ and - (Telegram's rule)");
  }
  if (url === null) return { kind: "polling" };
  return { kind: "webhook", url: url.href, path: url.pathname, secret };
}

/**
 * Reads and validates the relay's environment. Throws {@link ConfigError} listing every problem.
 * Variables: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, RELAY_HOST, RELAY_PORT, RELAY_STORE, PUBLIC_URL,
 * WEBHOOK_URL, WEBHOOK_SECRET, INIT_DATA_MAX_AGE_S, JOB_EXPIRY_S, JOB_LEASE_S, RELAY_CORS_ORIGIN,
 * TELEGRAM_MAX_FILE_BYTES, RELAY_JOBS_PER_MIN, RELAY_REQUESTS_PER_MIN, RELAY_LINKS_PER_MIN, RELAY_SWEEP_INTERVAL_MS,
 * RELAY_DELIVERY_LOCK_MS, RELAY_REDIS_PREFIX, RELAY_REDIS_TIMEOUT_MS, RELAY_LEADER_LEASE_MS, RELAY_INSTANCE_ID, and those of
 * {@link parseSecurity}: PORT, RELAY_ALLOW_PRIVATE_NETWORK, RELAY_TRUST_PROXY, SESSION_IDLE_S,
 * SESSION_MAX_AGE_S, RELAY_SESSIONS_PER_USER, RELAY_CODE_GUESSES_PER_MIN, RELAY_CODE_GUESSES_GLOBAL_PER_MIN,
 * RELAY_RETENTION_S.
 */
export function parseConfig(env: Env): RelayConfig {
  const reader = new Reader(env);

  const botToken = reader.raw("TELEGRAM_BOT_TOKEN");
  if (botToken !== null && !/^\d+:[A-Za-z0-9_-]+$/.test(botToken)) {
    reader.problem("TELEGRAM_BOT_TOKEN", 'must look like "123456:ABC-DEF…" as BotFather gives it');
  }
  const apiRoot = reader.url("TELEGRAM_API_ROOT", ["https:", "http:"]);
  const host = reader.raw("RELAY_HOST") ?? DEFAULTS.host;
  if (/\s|\//.test(host)) reader.problem("RELAY_HOST", `must be a host name or address, got "${host}"`);
  const port = reader.integer("RELAY_PORT", DEFAULTS.port, 0, 65_535);
  const store = parseStore(reader);
  const publicUrlValue = reader.url("PUBLIC_URL", ["https:", "http:"]);
  const publicUrl = publicUrlValue === null ? null : withoutTrailingSlash(publicUrlValue);
  const botMode = parseBotMode(reader);
  if (botMode.kind === "webhook" && botToken === null) {
    reader.problem("WEBHOOK_URL", "webhook mode needs TELEGRAM_BOT_TOKEN");
  }
  const initDataMaxAgeSeconds = reader.integer("INIT_DATA_MAX_AGE_S", DEFAULTS.initDataMaxAgeSeconds, 1, 365 * 86_400);
  const jobExpirySeconds = reader.integer("JOB_EXPIRY_S", DEFAULTS.jobExpirySeconds, 1, 30 * 86_400);
  const leaseSeconds = reader.integer("JOB_LEASE_S", DEFAULTS.leaseSeconds, 1, 3600);
  const security = parseSecurity(reader, publicUrl);
  const maxFileBytes = reader.integer("TELEGRAM_MAX_FILE_BYTES", BOT_API_DOWNLOAD_LIMIT_BYTES, 1, 2000 * 1024 * 1024);
  const jobsPerMinute = reader.integer("RELAY_JOBS_PER_MIN", DEFAULTS.jobsPerMinute, 1, 100_000);
  const requestsPerMinute = reader.integer("RELAY_REQUESTS_PER_MIN", DEFAULTS.requestsPerMinute, 1, 1_000_000);
  const linksPerMinute = reader.integer("RELAY_LINKS_PER_MIN", DEFAULTS.linksPerMinute, 1, 1_000_000);
  const sweepIntervalMs = reader.integer("RELAY_SWEEP_INTERVAL_MS", DEFAULTS.sweepIntervalMs, 50, 60_000);
  const deliveryLockMs = reader.integer("RELAY_DELIVERY_LOCK_MS", DEFAULTS.deliveryLockMs, 1000, 600_000);
  const leaderLeaseMs = reader.integer("RELAY_LEADER_LEASE_MS", DEFAULTS.leaderLeaseMs, 300, 120_000);
  const instanceId = reader.raw("RELAY_INSTANCE_ID");
  if (instanceId !== null && !/^[A-Za-z0-9:_.-]{1,100}$/.test(instanceId)) {
    reader.problem("RELAY_INSTANCE_ID", `must be 1–100 characters of A–Z, a–z, 0–9, and : _ . -, got "${instanceId}"`);
  }
  if (store.kind === "redis" && botMode.kind === "webhook" && botMode.secret === null) {
    // Each relay would register its own random secret and refuse the updates sent to the others.
    reader.problem("WEBHOOK_SECRET", "must be set when relays share Redis and a webhook (every instance must accept the same secret)");
  }

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return {
    botToken,
    apiRoot: apiRoot === null ? DEFAULTS.apiRoot : withoutTrailingSlash(apiRoot),
    host,
    port,
    store,
    publicUrl,
    botMode,
    initDataMaxAgeSeconds,
    jobExpirySeconds,
    leaseSeconds,
    ...security,
    maxFileBytes,
    jobsPerMinute,
    requestsPerMinute,
    linksPerMinute,
    sweepIntervalMs,
    deliveryLockMs,
    leaderLeaseMs,
    instanceId,
  };
}

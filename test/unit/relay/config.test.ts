import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../relay/config";

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("parseConfig", () => {
  it("has working defaults without any variable", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      botToken: null,
      apiRoot: "https://api.telegram.org",
      host: "0.0.0.0",
      port: 3001,
      store: { kind: "sqlite", path: "./data/relay.sqlite" },
      publicUrl: null,
      botMode: { kind: "polling" },
      initDataMaxAgeSeconds: 3600,
      jobExpirySeconds: 86_400,
      leaseSeconds: 60,
      corsOrigins: ["http://localhost:3000", "http://127.0.0.1:3000"],
      allowPrivateNetwork: false,
      trustProxy: { kind: "none" },
      sessionIdleSeconds: 30 * 86_400,
      sessionMaxAgeSeconds: 180 * 86_400,
      sessionsPerUser: 10,
      retentionSeconds: 3 * 86_400,
      maxFileBytes: 20 * 1024 * 1024,
    });
  });

  it("reads every variable", () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: "123:abc_DEF-ghi",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
      RELAY_HOST: "127.0.0.1",
      RELAY_PORT: "0",
      RELAY_STORE: "sqlite::memory:",
      PUBLIC_URL: "https://app.example.org/",
      WEBHOOK_URL: "https://relay.example.org/telegram/hook",
      WEBHOOK_SECRET: "s3cret_-x",
      INIT_DATA_MAX_AGE_S: "600",
      JOB_EXPIRY_S: "7200",
      JOB_LEASE_S: "30",
      RELAY_CORS_ORIGIN: "https://a.example, http://localhost:3000",
      TELEGRAM_MAX_FILE_BYTES: "1000",
      RELAY_JOBS_PER_MIN: "5",
      RELAY_REQUESTS_PER_MIN: "50",
      RELAY_LINKS_PER_MIN: "7",
      RELAY_SWEEP_INTERVAL_MS: "250",
      RELAY_LEADER_LEASE_MS: "1500",
      RELAY_INSTANCE_ID: "relay-1",
      RELAY_ALLOW_PRIVATE_NETWORK: "1",
      RELAY_TRUST_PROXY: "2",
      SESSION_IDLE_S: "3600",
      SESSION_MAX_AGE_S: "7200",
      RELAY_SESSIONS_PER_USER: "3",
      RELAY_CODE_GUESSES_PER_MIN: "4",
      RELAY_CODE_GUESSES_GLOBAL_PER_MIN: "40",
      RELAY_RETENTION_S: "600",
      RELAY_DELIVERY_LOCK_MS: "5000",
    });
    expect(config).toEqual({
      botToken: "123:abc_DEF-ghi",
      apiRoot: "http://127.0.0.1:8081",
      host: "127.0.0.1",
      port: 0,
      store: { kind: "sqlite", path: ":memory:" },
      publicUrl: "https://app.example.org",
      botMode: { kind: "webhook", url: "https://relay.example.org/telegram/hook", path: "/telegram/hook", secret: "s3cret_-x" },
      initDataMaxAgeSeconds: 600,
      jobExpirySeconds: 7200,
      leaseSeconds: 30,
      corsOrigins: ["https://a.example", "http://localhost:3000"],
      maxFileBytes: 1000,
      jobsPerMinute: 5,
      requestsPerMinute: 50,
      linksPerMinute: 7,
      sweepIntervalMs: 250,
      deliveryLockMs: 5000,
      leaderLeaseMs: 1500,
      instanceId: "relay-1",
      allowPrivateNetwork: true,
      trustProxy: { kind: "hops", hops: 2 },
      sessionIdleSeconds: 3600,
      sessionMaxAgeSeconds: 7200,
      sessionsPerUser: 3,
      codeGuessesPerMinute: 4,
      codeGuessesGlobalPerMinute: 40,
      retentionSeconds: 600,
    });
  });

  it("allows the app's origin by default when PUBLIC_URL is set", () => {
    expect(parseConfig({ PUBLIC_URL: "https://app.example.org/some/path" }).corsOrigins).toEqual(["https://app.example.org"]);
  });

  it("treats blank values as unset", () => {
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: "  ", RELAY_PORT: "" })).toMatchObject({ botToken: null, port: 3001 });
  });

  it("lists every bad variable in one ConfigError", () => {
    expect(
      problems({
        TELEGRAM_BOT_TOKEN: "not a token",
        TELEGRAM_API_ROOT: "ftp://x",
        RELAY_PORT: "70000",
        RELAY_STORE: "postgres://db",
        PUBLIC_URL: "not a url",
        WEBHOOK_SECRET: "has spaces",
        INIT_DATA_MAX_AGE_S: "-5",
        JOB_EXPIRY_S: "1.5",
        JOB_LEASE_S: "0",
        RELAY_CORS_ORIGIN: "https://ok.example, https://bad.example/path",
      }),
    ).toEqual([
      'TELEGRAM_BOT_TOKEN: must look like "123456:ABC-DEF…" as BotFather gives it',
      'TELEGRAM_API_ROOT: must use https or http, got "ftp://x"',
      'RELAY_PORT: must be a whole number from 0 to 65535, got "70000"',
      'RELAY_STORE: must be "sqlite:<file>" or "redis://host:port/db", got "postgres://db"',
      'PUBLIC_URL: must be an absolute URL, got "not a url"',
      "WEBHOOK_SECRET: must be 1–256 characters of A–Z, a–z, 0–9, _ and - (Telegram's rule)",
      'INIT_DATA_MAX_AGE_S: must be a whole number from 1 to 31536000, got "-5"',
      'JOB_EXPIRY_S: must be a whole number from 1 to 2592000, got "1.5"',
      'JOB_LEASE_S: must be a whole number from 1 to 3600, got "0"',
      'RELAY_CORS_ORIGIN: "https://bad.example/path" is not an origin like https://app.example.com (scheme, host and port only), or *',
    ]);
  });

  it("says that webhooks need a token", () => {
    expect(problems({ WEBHOOK_URL: "https://r.example/hook" })).toEqual(["WEBHOOK_URL: webhook mode needs TELEGRAM_BOT_TOKEN"]);
  });

  it("reads a Redis store, its key prefix and the polling lease", () => {
    expect(parseConfig({ RELAY_STORE: "redis://127.0.0.1:6379/0" })).toMatchObject({
      store: { kind: "redis", url: "redis://127.0.0.1:6379/0", prefix: "relay:", commandTimeoutMs: 10_000 },
      leaderLeaseMs: 5000,
      instanceId: null,
    });
    expect(
      parseConfig({ RELAY_STORE: "rediss://:pw@redis.example:6380", RELAY_REDIS_PREFIX: "bot1:", RELAY_REDIS_TIMEOUT_MS: "500", RELAY_LEADER_LEASE_MS: "2000", RELAY_INSTANCE_ID: "relay-a" }),
    ).toMatchObject({
      store: { kind: "redis", url: "rediss://:pw@redis.example:6380", prefix: "bot1:", commandTimeoutMs: 500 },
      leaderLeaseMs: 2000,
      instanceId: "relay-a",
    });
    expect(parseConfig({}).store).toEqual({ kind: "sqlite", path: "./data/relay.sqlite" });
  });

  it("refuses bad Redis settings without showing the password", () => {
    expect(problems({ RELAY_STORE: "redis://user:secret@host:6379/db1", RELAY_REDIS_PREFIX: "has space", RELAY_LEADER_LEASE_MS: "10", RELAY_INSTANCE_ID: "a b" })).toEqual([
      'RELAY_REDIS_PREFIX: must be 1–64 characters of A–Z, a–z, 0–9, and : _ . - { }, got "has space"',
      'RELAY_STORE: the path must be a database number such as "/0", got "/db1"',
      'RELAY_LEADER_LEASE_MS: must be a whole number from 300 to 120000, got "10"',
      'RELAY_INSTANCE_ID: must be 1–100 characters of A–Z, a–z, 0–9, and : _ . -, got "a b"',
    ]);
    expect(problems({ RELAY_STORE: "mysql://user:secret@host/x" })).toEqual(['RELAY_STORE: must be "sqlite:<file>" or "redis://host:port/db", got "mysql://user:***@host/x"']);
  });

  it("needs one WEBHOOK_SECRET for relays that share Redis and a webhook", () => {
    const env = { TELEGRAM_BOT_TOKEN: "1:abc", RELAY_STORE: "redis://127.0.0.1:6379/0", WEBHOOK_URL: "https://r.example/hook" };
    expect(problems(env)).toEqual(["WEBHOOK_SECRET: must be set when relays share Redis and a webhook (every instance must accept the same secret)"]);
    expect(parseConfig({ ...env, WEBHOOK_SECRET: "s3cret" }).botMode).toMatchObject({ kind: "webhook", secret: "s3cret" });
  });

  it("puts the variable names in the message", () => {
    expect(() => parseConfig({ RELAY_PORT: "x" })).toThrow(/Invalid relay configuration:\n {2}RELAY_PORT: /);
  });
});

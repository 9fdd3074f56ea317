/**
 * Connections to the Redis server that several relays share (`RELAY_STORE=redis://…`). This is the
 * one place that sets the client options the relay's guarantees rely on:
 *
 * - A command issued while Redis is unreachable waits in the client's queue and goes through once
 *   Redis is back, for up to {@link REDIS_COMMAND_TIMEOUT_MS} (`RELAY_REDIS_TIMEOUT_MS`); so a Redis
 *   restart is a pause for the bot and the API, not a failure. Longer outages fail the command with
 *   a `StoreUnavailableError` (answered 503, or a sweep retried a second later).
 * - Reconnection is attempted quickly (at most a second apart), forever.
 * - Trouble is logged once per outage, not once per retry.
 */
import { Redis } from "ioredis";
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import { redactUrl } from "../config";
import { StoreError, StoreUnavailableError } from "../errors";

const log = createLogger("relay:redis");

/** The longest a command may wait for Redis, counting time queued while reconnecting. */
const REDIS_COMMAND_TIMEOUT_MS = 10_000;
/** How long start-up waits for the first connection before giving up with a clear message. */
const FIRST_CONNECT_TIMEOUT_MS = 10_000;

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /** Shown in logs and in Redis' CLIENT LIST, e.g. "relay-a:store". */
  readonly name: string;
  /** Overrides {@link REDIS_COMMAND_TIMEOUT_MS}. */
  readonly commandTimeoutMs?: number;
}

/**
 * Opens a connection to `url` and resolves once it is ready; rejects with a {@link StoreError}
 * naming the (password-free) URL when Redis cannot be reached at start-up. Use one connection for
 * commands and a separate one for subscriptions.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions): Promise<Redis> {
  const shown = redactUrl(url);
  const client = new Redis(url, {
    connectionName: options.name.replace(/[^A-Za-z0-9:_.-]/g, "_"),
    lazyConnect: true,
    maxRetriesPerRequest: null,
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(100 * times, 1000),
    enableAutoPipelining: true,
    disableClientInfo: true,
  });
  let ready = false;
  let lost = false;
  let lastError = "";
  client.on("error", (error: unknown) => {
    lastError = describeError(error);
    log.debug(`${options.name}: ${lastError}`);
  });
  client.on("ready", () => {
    ready = true;
    if (lost) log.info(`${options.name}: connected to Redis at ${shown} again`);
    lost = false;
  });
  // "reconnecting" (not "close"): a connection closed on purpose does not reconnect.
  client.on("reconnecting", () => {
    if (!ready || lost) return;
    lost = true;
    log.warn(`${options.name}: lost the connection to Redis at ${shown}; reconnecting (commands wait up to ${(options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS) / 1000} s)`);
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.disconnect();
      reject(new StoreError(`cannot reach Redis at ${shown} within ${FIRST_CONNECT_TIMEOUT_MS / 1000} s${lastError === "" ? "" : `: ${lastError}`}`, { context: { url: shown } }));
    }, FIRST_CONNECT_TIMEOUT_MS);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
    // connect() rejects on the first failed attempt, but the client keeps retrying: wait for "ready".
    client.connect().catch(() => undefined);
  });
  return client;
}

/** Closes `client` politely (QUIT), or at once when Redis does not answer within a second. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  const quit = client.quit().then(
    () => true,
    () => false,
  );
  const answered = await Promise.race([quit, new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000).unref())]);
  if (!answered) client.disconnect();
}

/**
 * A {@link StoreError} for a failed Redis command: an error reply from the server (a bug or bad
 * data) stays a StoreError; anything else (timed out, connection closed or refused) means Redis
 * could not be reached and becomes a {@link StoreUnavailableError}.
 */
export function toStoreError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === "ReplyError") return new StoreError(`Redis refused ${what}: ${message}`, { cause: error });
  return new StoreUnavailableError(`Redis could not be reached for ${what}: ${message}`, { cause: error });
}

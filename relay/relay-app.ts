/**
 * Assembles and starts the relay: store, services, bot (polling or webhook, or none without a
 * token), HTTP server and the sweeper. `relay/main.ts` calls it with the parsed environment;
 * integration tests call it in-process with port 0.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BotError, type Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describeError } from "../lib/errors";
import { createLogger } from "../lib/logger";
import { isRecord, type HealthResponse } from "../lib/relay-protocol";
import { BOT_COMMANDS, createBot, registerBotHandlers } from "./bot/create-bot";
import type { RelayConfig } from "./config";
import { BadRequestError } from "./errors";
import { EventFeed } from "./events/event-feed";
import { SessionHub } from "./events/session-hub";
import { createApiRouter, type WebhookRoute } from "./http/api-routes";
import { createHttpHandler } from "./http/http-handler";
import { JobService } from "./jobs/job-service";
import { MemoryGovernor } from "./memory-governor";
import { SessionService } from "./sessions/session-service";
import { openSqliteStore } from "./store/sqlite-store";
import type { RelayStore } from "./store/relay-store";
import { createTelegramGateway } from "./telegram/chat-gateway";

const log = createLogger("relay");

/** The update types the bot handles. */
const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** Extra knobs for tests. */
export interface StartOptions {
  /** Skips `getMe` (tests that build the bot without a Bot API). */
  readonly botInfo?: UserFromGetMe;
  readonly now?: () => number;
  /** Overrides the 15 s SSE keep-alive. */
  readonly sseHeartbeatMs?: number;
}

/** A started relay. */
export interface RunningRelay {
  /** e.g. http://127.0.0.1:3001 */
  readonly url: string;
  readonly port: number;
  readonly store: RelayStore;
  readonly jobs: JobService;
  readonly hub: SessionHub;
  readonly bot: Bot | null;
  /** Stops polling, closes streams, the server and the store. */
  close(): Promise<void>;
}

function isUpdate(value: unknown): value is Update {
  return isRecord(value) && typeof value.update_id === "number";
}

function openStore(config: RelayConfig): RelayStore {
  switch (config.store.kind) {
    case "sqlite":
      return openSqliteStore(config.store.path);
  }
}

/** Starts everything described by `config`; resolves once the HTTP server listens. */
export async function startRelay(config: RelayConfig, options: StartOptions = {}): Promise<RunningRelay> {
  const now = options.now ?? Date.now;
  const startedAt = Date.now();
  const store = openStore(config);
  const hub = new SessionHub();
  const feed = new EventFeed(store, hub, now);

  const token = config.botToken;
  const bot = token === null ? null : createBot(token, config.apiRoot, options.botInfo);
  if (token === null) log.info("TELEGRAM_BOT_TOKEN is not set: running without the bot (the app works on its own)");

  const jobs = new JobService({
    store,
    feed,
    hub,
    gateway: bot === null || token === null ? null : createTelegramGateway(bot.api, config.apiRoot, token),
    publicUrl: config.publicUrl,
    leaseSeconds: config.leaseSeconds,
    jobExpirySeconds: config.jobExpirySeconds,
    jobsPerMinute: config.jobsPerMinute,
    now,
  });
  const sessions = new SessionService({ store, hub, botToken: token, initDataMaxAgeSeconds: config.initDataMaxAgeSeconds, now });
  if (bot !== null) registerBotHandlers(bot, { jobs, sessions, store, maxFileBytes: config.maxFileBytes });

  const mode = config.botMode;
  let webhook: WebhookRoute | null = null;
  if (bot !== null && mode.kind === "webhook") {
    const secret = mode.secret ?? randomBytes(32).toString("base64url");
    webhook = {
      path: mode.path,
      secret,
      onUpdate: async (update) => {
        if (!isUpdate(update)) throw new BadRequestError("not a Telegram update");
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          // Same handler as polling; answer 200 anyway so Telegram does not resend forever.
          if (error instanceof BotError) await bot.errorHandler(error);
          else log.error(`webhook update ${update.update_id} failed: ${describeError(error)}`, error);
        }
      },
    };
  }

  const health = async (): Promise<HealthResponse> => {
    const memory = process.memoryUsage();
    return {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      uptime: Math.round((Date.now() - startedAt) / 1000),
      pendingJobs: await jobs.pendingCount(),
      connectedSessions: hub.connections,
      bot: bot === null ? "disabled" : "enabled",
      botMode: bot === null ? null : mode.kind,
      store: store.kind,
    };
  };

  const governor = new MemoryGovernor(config.gcEveryBytes);
  const router = createApiRouter({
    jobs,
    sessions,
    store,
    hub,
    requestsPerMinute: config.requestsPerMinute,
    linksPerMinute: config.linksPerMinute,
    memory: governor,
    health,
    webhook,
    now,
    ...(options.sseHeartbeatMs === undefined ? {} : { sseHeartbeatMs: options.sseHeartbeatMs }),
  });
  const server: Server = createServer(createHttpHandler(router, config.corsOrigins));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = isAddressInfo(address) ? address.port : config.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

  // Results a crash left undelivered, leases that lapsed while down: handle them now, then keep sweeping.
  await jobs.sweep();
  const sweeper = setInterval(() => void jobs.sweep(), config.sweepIntervalMs);
  sweeper.unref();

  let polling: Promise<void> | null = null;
  if (bot !== null) {
    if (mode.kind === "webhook" && webhook !== null) {
      try {
        await bot.init();
        await bot.api.setWebhook(mode.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
        log.info(`bot @${bot.botInfo.username} receives updates by webhook at ${mode.url}`);
      } catch (error) {
        // The HTTP API keeps serving linked sessions; the log says why the bot is deaf.
        log.error(`could not register the webhook: ${describeError(error)}`);
      }
    } else {
      polling = bot
        .start({
          allowed_updates: [...ALLOWED_UPDATES],
          onStart: (info) => log.info(`bot @${info.username} is polling for updates`),
        })
        .catch((error: unknown) => log.error(`the bot stopped: ${describeError(error)}`));
    }
    bot.api
      .setMyCommands([...BOT_COMMANDS])
      .catch((error: unknown) => log.warn(`could not set the command menu: ${describeError(error)}`));
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(sweeper);
      governor.stop();
      if (bot !== null && bot.isRunning()) await bot.stop().catch((error: unknown) => log.warn(`stopping the bot: ${describeError(error)}`));
      await polling;
      hub.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    })();
    return closing;
  };

  return { url, port, store, jobs, hub, bot, close };
}

function isAddressInfo(value: string | AddressInfo | null): value is AddressInfo {
  return typeof value === "object" && value !== null;
}

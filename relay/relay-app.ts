/**
 * Assembles and starts the relay: backend (store, event bus, presence), services, bot (polling or
 * webhook, or none without a token), HTTP server and the sweeper. `relay/main.ts` calls it with the
 * parsed environment; integration tests call it in-process with port 0. Several relays may run on
 * one Redis: each serves any session, the sweepers and deliveries coordinate through the store,
 * and in polling mode only the holder of the polling lease polls.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BotError, type Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describeError } from "../lib/errors";
import { createLogger } from "../lib/logger";
import { registerSecret } from "../lib/redact";
import { isRecord } from "../lib/guards";
import type { HealthResponse } from "../lib/relay/protocol";
import { openBackend, defaultInstanceId } from "./backend";
import { BOT_COMMANDS, botCommands } from "./bot/commands";
import { BOT_LOCALES } from "./i18n/bot-texts";
import { createBot, registerBotHandlers } from "./bot/create-bot";
import { ChatSettingsService } from "./chats/chat-settings-service";
import { PollingLeader } from "./bot/polling-leader";
import type { RelayConfig } from "./config";
import { BadRequestError, ServiceUnavailableError, StoreUnavailableError } from "./errors";
import { EventFeed } from "./events/event-feed";
import { SessionHub } from "./events/session-hub";
import { createApiRouter } from "./http/api-routes";
import type { WebhookRoute } from "./http/routes/webhook-route";
import { createHttpHandler } from "./http/http-handler";
import { applyServerTimeouts } from "./http/server-timeouts";
import { JobService } from "./jobs/job-service";
import { ExportService, type ExportLimits } from "./exports/export-service";
import { SessionService } from "./sessions/session-service";
import type { RelayStore } from "./ports/relay-store";
import { ChatPacer, type PaceIntervals } from "./telegram/chat-pacer";
import { createTelegramGateway } from "./telegram/chat-gateway";

const log = createLogger("relay");

/** The update types the bot handles. */
const ALLOWED_UPDATES = ["message", "callback_query", "business_connection", "business_message"] as const;

/** How often expired sessions and finished jobs past the retention are deleted. */
const SESSION_PRUNE_EVERY_MS = 60_000;

/** Extra knobs for tests. */
export interface StartOptions {
  /** Skips `getMe` (tests that build the bot without a Bot API). */
  readonly botInfo?: UserFromGetMe;
  readonly now?: () => number;
  /** Overrides the 15 s SSE keep-alive. */
  readonly sseHeartbeatMs?: number;
  /** Overrides Telegram's per-chat pacing (tests that are not about pacing use none). */
  readonly chatPace?: PaceIntervals;
  /** Overrides the live-text cadence per chat (`LIVE_TEXT_PACE`). */
  readonly liveTextPace?: PaceIntervals;
  /** Overrides how long, how often and how large exports for Telegram are kept (`EXPORT_LIMITS`). */
  readonly exportLimits?: Partial<ExportLimits>;
}

/** /healthz: the protocol's fields plus which relay answered and whether it polls Telegram. */
export interface RelayHealth extends HealthResponse {
  /** `RELAY_INSTANCE_ID`, or host, process id and a random suffix. */
  readonly instance: string;
  /** True on the one relay that long-polls Telegram (false in webhook mode and on standbys). */
  readonly polling: boolean;
}

/** A started relay. */
export interface RunningRelay {
  /** e.g. http://127.0.0.1:3001 */
  readonly url: string;
  readonly port: number;
  readonly instanceId: string;
  /** True while this relay long-polls Telegram. */
  isPolling(): boolean;
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

/** Starts everything described by `config`; resolves once the HTTP server listens. */
export async function startRelay(config: RelayConfig, options: StartOptions = {}): Promise<RunningRelay> {
  registerSecret(config.botToken);
  const now = options.now ?? Date.now;
  const startedAt = Date.now();
  const instanceId = config.instanceId ?? defaultInstanceId();
  const hub = new SessionHub();
  const backend = await openBackend(config, hub, instanceId);
  const { store, bus, presence } = backend;
  const feed = new EventFeed(bus, now);

  const token = config.botToken;
  const bot = token === null ? null : createBot(token, config.apiRoot, options.botInfo);
  if (token === null) log.info("TELEGRAM_BOT_TOKEN is not set: running without the bot (the app works on its own)");

  const jobs = new JobService({
    store,
    feed,
    presence,
    gateway: bot === null || token === null ? null : createTelegramGateway(bot.api, config.apiRoot, token, new ChatPacer(options.chatPace === undefined ? {} : { intervals: options.chatPace })),
    publicUrl: config.publicUrl,
    leaseSeconds: config.leaseSeconds,
    jobExpirySeconds: config.jobExpirySeconds,
    jobsPerMinute: config.jobsPerMinute,
    deliveryLockMs: config.deliveryLockMs,
    ...(options.liveTextPace === undefined ? {} : { liveTextPace: options.liveTextPace }),
    now,
  });
  const sessions = new SessionService({ store, bus, botToken: token, initDataMaxAgeSeconds: config.initDataMaxAgeSeconds,
    limits: { idleSeconds: config.sessionIdleSeconds, maxAgeSeconds: config.sessionMaxAgeSeconds, perUser: config.sessionsPerUser },
    now,
  });
  const exports = new ExportService(store.exports, now, options.exportLimits);
  if (bot !== null) registerBotHandlers(bot, { jobs, sessions, chatSettings: new ChatSettingsService(store), maxFileBytes: config.maxFileBytes });

  const mode = config.botMode;
  let webhook: WebhookRoute | null = null;
  if (bot !== null && mode.kind === "webhook") {
    const secret = mode.secret ?? randomBytes(32).toString("base64url");
    registerSecret(secret);
    webhook = {
      path: mode.path,
      secret,
      onUpdate: async (update) => {
        if (!isUpdate(update)) throw new BadRequestError("not a Telegram update");
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          const cause = error instanceof BotError ? error.error : error;
          if (cause instanceof StoreUnavailableError) {
            // Nothing was decided for sure: answer 503 so Telegram sends the update again later
            // (a repeat of what did get stored makes no second job).
            log.warn(`webhook update ${update.update_id}: ${cause.message}; asking Telegram to resend it`);
            throw new ServiceUnavailableError("the relay cannot reach its store right now", 5, { cause });
          }
          // Same handler as polling; answer 200 anyway so Telegram does not resend forever.
          if (error instanceof BotError) await bot.errorHandler(error);
          else log.error(`webhook update ${update.update_id} failed: ${describeError(error)}`, error);
        }
      },
    };
  }

  let poller: PollingLeader | null = null;
  const health = async (): Promise<RelayHealth> => {
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
      instance: instanceId,
      polling: poller?.isPolling ?? false,
    };
  };

  const router = createApiRouter({
    jobs,
    sessions,
    exports,
    store,
    hub,
    requestsPerMinute: config.requestsPerMinute,
    linksPerMinute: config.linksPerMinute,
    codeGuessesPerMinute: config.codeGuessesPerMinute,
    codeGuessesGlobalPerMinute: config.codeGuessesGlobalPerMinute,
    health,
    webhook,
    now,
    ...(options.sseHeartbeatMs === undefined ? {} : { sseHeartbeatMs: options.sseHeartbeatMs }),
  });
  const server: Server = createServer(createHttpHandler(router, config));
  applyServerTimeouts(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    // E.g. the port is taken: let go of Redis connections too, so the process can end.
    await backend.close();
    throw error;
  }
  const address = server.address();
  const port = isAddressInfo(address) ? address.port : config.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

  // Results a crash left undelivered, leases that lapsed while down: handle them now, then keep sweeping.
  await jobs.sweep();
  let sweeping: Promise<void> | null = null;
  let lastSessionPrune = 0;
  const sweeper = setInterval(() => {
    if (Date.now() - lastSessionPrune >= SESSION_PRUNE_EVERY_MS) {
      lastSessionPrune = Date.now();
      sessions.pruneExpired().catch((error: unknown) => log.warn(`could not prune expired sessions: ${describeError(error)}`));
      store
        .purgeFinishedJobs(now() - config.retentionSeconds * 1000)
        .catch((error: unknown) => log.warn(`could not purge finished jobs: ${describeError(error)}`));
      exports.prune().catch((error: unknown) => log.warn(`could not delete expired exports: ${describeError(error)}`));
    }
    sweeping ??= jobs.sweep().finally(() => {
      sweeping = null;
    });
  }, config.sweepIntervalMs);
  sweeper.unref();

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
      poller = new PollingLeader({ bot, lease: backend.pollingLease, allowedUpdates: ALLOWED_UPDATES });
      poller.start();
    }
    bot.api
      .setMyCommands([...BOT_COMMANDS])
      .catch((error: unknown) => log.warn(`could not set the command menu: ${describeError(error)}`));
    for (const locale of BOT_LOCALES.filter((code) => code !== "en")) {
      bot.api
        .setMyCommands(botCommands(locale), { language_code: locale })
        .catch((error: unknown) => log.warn(`could not set the ${locale} command menu: ${describeError(error)}`));
    }
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(sweeper);
      await sweeping;
      await poller?.stop();
      hub.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await backend.close();
    })();
    return closing;
  };

  return { url, port, instanceId, isPolling: () => poller?.isPolling ?? false, store, jobs, hub, bot, close };
}

function isAddressInfo(value: string | AddressInfo | null): value is AddressInfo {
  return typeof value === "object" && value !== null;
}

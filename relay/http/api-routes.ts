/**
 * The relay's HTTP API for browser sessions (see `lib/relay-protocol.ts` for every body) plus
 * /healthz and the Telegram webhook. Handlers validate input, authenticate the bearer token,
 * apply per-user rate limits and call the services; errors are thrown and answered by the one
 * top-level handler in `http-handler.ts`.
 */
import { timingSafeEqual } from "node:crypto";
import { pipeline } from "node:stream/promises";
import {
  RELAY_LIMITS,
  RELAY_PATHS,
  parseCodeSessionRequest,
  parseFailureRequest,
  parseLeaseRequest,
  parseResultRequest,
  parseTelegramSessionRequest,
  type ClaimResponse,
  type FinishResponse,
  type HealthResponse,
  type HeartbeatResponse,
  type JobListResponse,
  type Parsed,
  type ReleaseResponse,
  type SessionInfoResponse,
  type SessionResponse,
} from "../../lib/relay/protocol";
import { createLogger } from "../../lib/logger";
import { BadRequestError, RateLimitedError, UnauthorizedError } from "../errors";
import type { SessionHub } from "../events/session-hub";
import type { JobService } from "../jobs/job-service";
import type { MemoryGovernor } from "../memory-governor";
import { RateLimiter } from "../rate-limiter";
import type { Session, SessionService } from "../sessions/session-service";
import type { RelayStore } from "../ports/relay-store";
import { serveEventStream } from "./event-stream";
import { readJson } from "./read-json";
import { sendJson } from "./respond";
import { Router, type RouteContext } from "./router";

const log = createLogger("relay:http");

/** The Telegram webhook, when the bot runs in webhook mode. */
export interface WebhookRoute {
  readonly path: string;
  readonly secret: string;
  /** Handles one update; resolves when done. */
  readonly onUpdate: (update: unknown) => Promise<void>;
}

/** What the routes need. */
export interface ApiDeps {
  readonly jobs: JobService;
  readonly sessions: SessionService;
  readonly store: RelayStore;
  readonly hub: SessionHub;
  readonly requestsPerMinute: number;
  /** Link attempts per client address per minute. */
  readonly linksPerMinute: number;
  readonly health: () => Promise<HealthResponse>;
  /** Told about every streamed chunk, to keep memory flat. */
  readonly memory: MemoryGovernor;
  readonly webhook: WebhookRoute | null;
  readonly now: () => number;
  readonly sseHeartbeatMs?: number;
}

function required<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new BadRequestError(parsed.error);
  return parsed.value;
}

function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined || value.length === 0 || value.length > 100) throw new BadRequestError(`missing or bad "${name}" in the path`);
  return value;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Builds the router with every route. */
export function createApiRouter(deps: ApiDeps): Router {
  const { jobs, sessions } = deps;
  const userLimiter = new RateLimiter(deps.requestsPerMinute, 60_000);
  const linkLimiter = new RateLimiter(deps.linksPerMinute, 60_000);
  const body = (ctx: RouteContext): Promise<unknown> => readJson(ctx.req, RELAY_LIMITS.maxJsonBodyBytes);

  const limit = (limiter: RateLimiter, key: string): void => {
    const decision = limiter.take(key, deps.now());
    if (!decision.ok) throw new RateLimitedError(decision.retryAfterSeconds);
  };
  const authed = async (ctx: RouteContext): Promise<Session> => {
    const authorization = ctx.req.headers.authorization;
    const session = await sessions.authenticate(authorization);
    limit(userLimiter, `user:${session.userId}`);
    return session;
  };

  const router = new Router();

  router.on("GET", RELAY_PATHS.health, async (ctx) => sendJson(ctx.res, 200, await deps.health()));

  router.on("POST", RELAY_PATHS.sessionTelegram, async (ctx) => {
    limit(linkLimiter, `ip:${ctx.ip}`);
    const request = required(parseTelegramSessionRequest(await body(ctx)));
    const response: SessionResponse = await sessions.linkWithInitData(request.initData);
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", RELAY_PATHS.sessionCode, async (ctx) => {
    limit(linkLimiter, `ip:${ctx.ip}`);
    const request = required(parseCodeSessionRequest(await body(ctx)));
    const response: SessionResponse = await sessions.linkWithCode(request.code);
    sendJson(ctx.res, 200, response);
  });

  router.on("GET", RELAY_PATHS.session, async (ctx) => {
    const session = await authed(ctx);
    const response: SessionInfoResponse = { user: session.user };
    sendJson(ctx.res, 200, response);
  });

  router.on("DELETE", RELAY_PATHS.session, async (ctx) => {
    const session = await authed(ctx);
    await sessions.logout(session);
    ctx.res.writeHead(204, { "content-length": 0 }).end();
  });

  router.on("GET", RELAY_PATHS.events, async (ctx) => {
    const session = await authed(ctx);
    await serveEventStream(ctx, session, {
      store: deps.store,
      hub: deps.hub,
      now: deps.now,
      ...(deps.sseHeartbeatMs === undefined ? {} : { heartbeatMs: deps.sseHeartbeatMs }),
    });
  });

  router.on("GET", RELAY_PATHS.jobs, async (ctx) => {
    const session = await authed(ctx);
    const response: JobListResponse = { jobs: await jobs.listOpen(session) };
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", "/api/jobs/:id/claim", async (ctx) => {
    const session = await authed(ctx);
    const response: ClaimResponse = await jobs.claim(session, param(ctx, "id"));
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", "/api/jobs/:id/heartbeat", async (ctx) => {
    const session = await authed(ctx);
    const request = required(parseLeaseRequest(await body(ctx)));
    const response: HeartbeatResponse = await jobs.heartbeat(session, param(ctx, "id"), request.lease);
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", "/api/jobs/:id/release", async (ctx) => {
    const session = await authed(ctx);
    const request = required(parseLeaseRequest(await body(ctx)));
    const response: ReleaseResponse = { released: await jobs.release(session, param(ctx, "id"), request.lease) };
    sendJson(ctx.res, 200, response);
  });

  router.on("GET", "/api/jobs/:id/audio", async (ctx) => {
    const session = await authed(ctx);
    const lease = ctx.url.searchParams.get("lease");
    if (lease === null || lease.length === 0) throw new BadRequestError(`add ?lease=<lease> from the claim`);
    const audio = await jobs.openAudio(session, param(ctx, "id"), lease, ctx.signal);
    ctx.res.writeHead(200, {
      "content-type": audio.contentType,
      ...(audio.contentLength === null ? {} : { "content-length": audio.contentLength }),
      "cache-control": "no-store",
    });
    audio.body.on("data", (chunk: Buffer) => deps.memory.account(chunk.length));
    try {
      // pipeline() follows backpressure: a slow browser slows the download from Telegram.
      await pipeline(audio.body, ctx.res);
    } catch (error) {
      log.debug(`audio stream of job ${param(ctx, "id")} ended early`, error);
    }
  });

  router.on("POST", "/api/jobs/:id/result", async (ctx) => {
    const session = await authed(ctx);
    const request = required(parseResultRequest(await body(ctx)));
    const status = await jobs.finish(session, param(ctx, "id"), request.lease, {
      kind: "done",
      result: { text: request.text, segments: request.segments, language: request.language },
    });
    const response: FinishResponse = { status };
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", "/api/jobs/:id/failure", async (ctx) => {
    const session = await authed(ctx);
    const request = required(parseFailureRequest(await body(ctx)));
    const status = await jobs.finish(session, param(ctx, "id"), request.lease, { kind: "failed", message: request.message });
    const response: FinishResponse = { status };
    sendJson(ctx.res, 200, response);
  });

  const webhook = deps.webhook;
  if (webhook !== null) {
    router.on("POST", webhook.path, async (ctx) => {
      const header = ctx.req.headers["x-telegram-bot-api-secret-token"];
      if (!sameSecret(Array.isArray(header) ? header[0] : header, webhook.secret)) {
        throw new UnauthorizedError("wrong or missing X-Telegram-Bot-Api-Secret-Token");
      }
      await webhook.onUpdate(await body(ctx));
      sendJson(ctx.res, 200, { ok: true });
    });
  }

  return router;
}

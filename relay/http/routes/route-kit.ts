/**
 * What every route file shares: body parsing, path parameters, bearer authentication with the
 * per-user rate limit, and the per-address limit for linking. Built once per router by
 * {@link createRouteKit} so all routes count against the same limiters.
 */
import { RELAY_LIMITS } from "../../../lib/relay/protocol";
import { BadRequestError, RateLimitedError } from "../../errors";
import { RateLimiter } from "../../rate-limiter";
import type { Session, SessionService } from "../../sessions/session-service";
import { readJson } from "../read-json";
import type { RouteContext } from "../router";
import type { Parsed } from "../../../lib/relay/parse";

/** The helpers a route file uses to read requests; see {@link createRouteKit}. */
export interface RouteKit {
  /** The request's JSON body (size-limited). */
  readonly body: (ctx: RouteContext) => Promise<unknown>;
  /** The bearer token's session, counted against the per-user limit. */
  readonly authed: (ctx: RouteContext) => Promise<Session>;
  /** Counts a link attempt from the client's address. */
  readonly limitLink: (ctx: RouteContext) => void;
}

/** Options of {@link createRouteKit}. */
export interface RouteKitOptions {
  readonly sessions: SessionService;
  readonly requestsPerMinute: number;
  readonly linksPerMinute: number;
  readonly now: () => number;
}

/** Use once per router: the limiters it creates are shared by every route given the kit. */
export function createRouteKit(options: RouteKitOptions): RouteKit {
  const userLimiter = new RateLimiter(options.requestsPerMinute, 60_000);
  const linkLimiter = new RateLimiter(options.linksPerMinute, 60_000);
  const limit = (limiter: RateLimiter, key: string): void => {
    const decision = limiter.take(key, options.now());
    if (!decision.ok) throw new RateLimitedError(decision.retryAfterSeconds);
  };
  return {
    body: (ctx) => readJson(ctx.req, RELAY_LIMITS.maxJsonBodyBytes),
    authed: async (ctx) => {
      const session = await options.sessions.authenticate(ctx.req.headers.authorization);
      limit(userLimiter, `user:${session.userId}`);
      return session;
    },
    limitLink: (ctx) => limit(linkLimiter, `ip:${ctx.ip}`),
  };
}

/** Use on every parsed body: the value, or a 400 naming the bad field. */
export function required<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new BadRequestError(parsed.error);
  return parsed.value;
}

/** Use for every path parameter: present and of a sane length, else a 400. */
export function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined || value.length === 0 || value.length > 100) throw new BadRequestError(`missing or bad "${name}" in the path`);
  return value;
}

/**
 * What every route file shares: body parsing, path parameters, bearer authentication with the
 * per-user rate limit, and the limits for linking: sign-ins with init data per address, code
 * guesses per address and in all. Built once per router by
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
  /** Counts a sign-in with init data from the client's address (never a code guess). */
  readonly limitSignIn: (ctx: RouteContext) => void;
  /** Counts a `/link` code guess: per client address and against the global ceiling. */
  readonly limitCodeGuess: (ctx: RouteContext) => void;
}

/** Options of {@link createRouteKit}. */
export interface RouteKitOptions {
  readonly sessions: SessionService;
  readonly requestsPerMinute: number;
  readonly linksPerMinute: number;
  readonly codeGuessesPerMinute: number;
  readonly codeGuessesGlobalPerMinute: number;
  readonly now: () => number;
}

/** Use once per router: the limiters it creates are shared by every route given the kit. */
export function createRouteKit(options: RouteKitOptions): RouteKit {
  const userLimiter = new RateLimiter(options.requestsPerMinute, 60_000);
  const signInLimiter = new RateLimiter(options.linksPerMinute, 60_000);
  const guessLimiter = new RateLimiter(options.codeGuessesPerMinute, 60_000);
  const globalGuessLimiter = new RateLimiter(options.codeGuessesGlobalPerMinute, 60_000);
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
    limitSignIn: (ctx) => limit(signInLimiter, `ip:${ctx.ip}`),
    limitCodeGuess: (ctx) => {
      limit(guessLimiter, `ip:${ctx.ip}`);
      limit(globalGuessLimiter, "all");
    },
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

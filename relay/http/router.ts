/**
 * A minimal method + path router for node:http. Patterns are literal segments and `:name`
 * parameters (`/api/jobs/:id/claim`). It tells "no such path" (404) from "path exists, wrong
 * method" (405) so the error handler can answer precisely.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** What a route handler receives. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  /** The peer address, for limits before a session exists. */
  readonly ip: string;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/** A route handler; it writes the response itself (see `respond.ts`). */
export type RouteHandler = (ctx: RouteContext) => Promise<void>;

/** Result of {@link Router.match}. */
export type RouteMatch =
  | { readonly kind: "found"; readonly handler: RouteHandler; readonly params: Record<string, string> }
  | { readonly kind: "wrong-method"; readonly allow: readonly string[] }
  | { readonly kind: "not-found" };

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment.length > 0);
}

/** See the module comment. */
export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route; returns the router for chaining. */
  on(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: split(pattern), handler });
    return this;
  }

  /** Finds the route for `method` and `pathname`. */
  match(method: string, pathname: string): RouteMatch {
    const segments = split(pathname);
    const allow: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === null) continue;
      if (route.method === method.toUpperCase()) return { kind: "found", handler: route.handler, params };
      allow.push(route.method);
    }
    return allow.length > 0 ? { kind: "wrong-method", allow } : { kind: "not-found" };
  }
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Record<string, string> | null {
  if (pattern.length !== path.length) return null;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    const actual = path[index];
    if (actual === undefined) return null;
    if (expected.startsWith(":")) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}

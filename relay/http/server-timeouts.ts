/**
 * Timeouts on the relay's HTTP server, so slow or idle clients cannot hold connections: the
 * headers must arrive within {@link SERVER_TIMEOUTS}.headersMs, the whole request (headers and body,
 * not the response: event streams stay open) within requestMs, and an idle keep-alive connection
 * is closed after keepAliveMs (longer than common load balancers' 60 s idle timeout).
 */
import type { Server } from "node:http";

/** The values {@link applyServerTimeouts} sets. */
export const SERVER_TIMEOUTS = { headersMs: 15_000, requestMs: 30_000, keepAliveMs: 65_000 } as const;

/** Call once on the server before it listens. */
export function applyServerTimeouts(server: Server): void {
  server.headersTimeout = SERVER_TIMEOUTS.headersMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestMs;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveMs;
}

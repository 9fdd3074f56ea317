/**
 * CORS and cross-origin isolation headers. The app runs on another origin and its pages are
 * cross-origin isolated (COEP require-corp), so every relay response also carries
 * `Cross-Origin-Resource-Policy: cross-origin`. Authentication is a bearer token, never a cookie.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
const ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID";
const EXPOSED_HEADERS = "Content-Length, Content-Type, Retry-After";

/** True when `origin` may call the API under `allowed` (`*` allows any). */
function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes("*") || allowed.includes(origin);
}

/** Sets the headers every response carries; call before writing the head. */
export function applyCorsHeaders(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): void {
  res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
  res.setHeader("Vary", "Origin");
  const origin = req.headers.origin;
  if (origin === undefined || !isAllowedOrigin(origin, allowed)) return;
  res.setHeader("Access-Control-Allow-Origin", allowed.includes("*") ? "*" : origin);
  res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
}

/** Answers a CORS preflight (OPTIONS) with 204; `allowPrivateNetwork` answers Private Network Access. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, allowed: readonly string[], allowPrivateNetwork = false): void {
  const origin = req.headers.origin;
  if (origin !== undefined && isAllowedOrigin(origin, allowed)) {
    res.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    res.setHeader("Access-Control-Max-Age", "600");
    // Chrome's Private Network Access: a public app page may call a relay on a private address,
    // only where the operator allowed it (RELAY_ALLOW_PRIVATE_NETWORK).
    if (allowPrivateNetwork && req.headers["access-control-request-private-network"] === "true") res.setHeader("Access-Control-Allow-Private-Network", "true");
  }
  res.writeHead(204, { "content-length": 0 });
  res.end();
}

/**
 * The relay's request handler for node:http: CORS and preflight, routing, and the one top-level
 * error handler that answers every thrown error as `{ error: { code, message } }` with the right
 * status (500 for anything unexpected, which is logged, never shown).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { GrammyError, HttpError as BotApiHttpError } from "grammy";
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import { HttpError, MethodNotAllowedError, NotFoundError, RateLimitedError, ServiceUnavailableError, StoreUnavailableError, TooManyError, UpstreamError } from "../errors";
import type { TrustProxy } from "../config-security";
import { clientAddress } from "./client-address";
import { answerPreflight, applyCorsHeaders } from "./cors";
import { sendError } from "./respond";
import type { Router } from "./router";

const log = createLogger("relay:http");

/** How long a client should wait before retrying when the store is unreachable. */
const STORE_RETRY_AFTER_S = 5;

/** How long the unread rest of a too large body is discarded after the 413, before the socket is cut. */
const DISCARD_AFTER_413_MS = 1000;

/**
 * After a 413 the client may still be sending: discard what arrives for a moment so the answer is
 * not lost to a TCP reset, then cut the connection.
 */
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    req.resume();
    setTimeout(() => req.socket.destroy(), DISCARD_AFTER_413_MS).unref();
  });
}

/** Turns any error into the response; if the head is already sent, the connection is cut instead. */
function handleHttpError(caught: unknown, req: IncomingMessage, res: ServerResponse): void {
  const error =
    caught instanceof StoreUnavailableError
      ? new ServiceUnavailableError("the relay cannot reach its store right now; try again shortly", STORE_RETRY_AFTER_S, { cause: caught })
      : caught instanceof GrammyError || caught instanceof BotApiHttpError
        ? new UpstreamError("Telegram could not be reached or refused the request; try again shortly", { cause: caught })
        : caught;
  if (res.headersSent) {
    log.warn(`${req.method} ${req.url?.split("?")[0]} failed mid-response: ${describeError(error)}`);
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    const headers: Record<string, string> = {};
    if (error instanceof RateLimitedError || error instanceof ServiceUnavailableError || error instanceof TooManyError) headers["retry-after"] = String(error.retryAfterSeconds);
    if (error instanceof MethodNotAllowedError) headers.allow = [...error.allow, "OPTIONS"].join(", ");
    if (error.status === 413) {
      headers.connection = "close";
      closeAfterAnswer(req, res);
    }
    if (error.status >= 500) log.warn(`${req.method} ${req.url?.split("?")[0]} → ${error.status}: ${error.message}`, error);
    sendError(res, error.status, error.apiCode, error.message, headers);
    return;
  }
  log.error(`${req.method} ${req.url?.split("?")[0]} failed`, error);
  sendError(res, 500, "internal", "internal error");
}

/** Options of {@link createHttpHandler}, from `RelayConfig`. */
export interface HttpHandlerOptions {
  readonly corsOrigins: readonly string[];
  readonly allowPrivateNetwork: boolean;
  readonly trustProxy: TrustProxy;
}

/** Builds the listener for `http.createServer`. */
export function createHttpHandler(router: Router, options: HttpHandlerOptions): RequestListener {
  return (req, res) => {
    applyCorsHeaders(req, res, options.corsOrigins);
    if (req.method === "OPTIONS") {
      answerPreflight(req, res, options.corsOrigins, options.allowPrivateNetwork);
      return;
    }
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const run = async (): Promise<void> => {
      const url = new URL(req.url ?? "/", "http://relay.invalid");
      const match = router.match(req.method ?? "GET", url.pathname);
      if (match.kind === "not-found") throw new NotFoundError(`no route ${url.pathname}`);
      if (match.kind === "wrong-method") throw new MethodNotAllowedError(match.allow);
      await match.handler({ req, res, url, params: match.params, ip: clientAddress(req, options.trustProxy), signal: controller.signal });
    };
    run().catch((error: unknown) => handleHttpError(error, req, res));
  };
}

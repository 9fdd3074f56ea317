/**
 * Errors the relay throws on purpose. Each `HttpError` carries the HTTP status and the stable API
 * error code it should be answered with, so services can throw them and the single top-level HTTP
 * handler turns them into `{ error: { code, message } }`. Anything else becomes a logged 500.
 */
import { AppError } from "../lib/errors";
import type { RelayErrorCode } from "../lib/relay/protocol";

/** Options every relay error accepts. */
export interface RelayErrorOptions {
  readonly cause?: unknown;
  readonly context?: Record<string, unknown>;
}

/** An error with an HTTP status; its `message` is safe to show to the browser. */
export class HttpError extends AppError {
  override readonly name: string = "HttpError";
  readonly status: number;
  readonly apiCode: RelayErrorCode;

  constructor(status: number, apiCode: RelayErrorCode, message: string, options: RelayErrorOptions = {}) {
    super(apiCode, message, options);
    this.status = status;
    this.apiCode = apiCode;
  }
}

/** 400: the request is malformed. */
export class BadRequestError extends HttpError {
  override readonly name: string = "BadRequestError";
  constructor(message: string, options?: RelayErrorOptions) {
    super(400, "bad_request", message, options);
  }
}

/** 401: no session, an unknown session, or init data that is forged, expired or missing. */
export class UnauthorizedError extends HttpError {
  override readonly name: string = "UnauthorizedError";
  constructor(message: string, options?: RelayErrorOptions) {
    super(401, "unauthorized", message, options);
  }
}

/** 404: no such route, or a job that does not exist for this user (other users' jobs look absent). */
export class NotFoundError extends HttpError {
  override readonly name: string = "NotFoundError";
  constructor(message: string, options?: RelayErrorOptions) {
    super(404, "not_found", message, options);
  }
}

/** 405: the route exists with other methods. */
export class MethodNotAllowedError extends HttpError {
  override readonly name: string = "MethodNotAllowedError";
  readonly allow: readonly string[];
  constructor(allow: readonly string[]) {
    super(405, "method_not_allowed", `use ${allow.join(", ")}`);
    this.allow = allow;
  }
}

/** 409: the job is claimed by another session, finished, or the lease is no longer valid. */
export class ConflictError extends HttpError {
  override readonly name: string = "ConflictError";
  constructor(message: string, options?: RelayErrorOptions) {
    super(409, "conflict", message, options);
  }
}

/** 413: the request body is over the limit. */
export class PayloadTooLargeError extends HttpError {
  override readonly name: string = "PayloadTooLargeError";
  /** `message` says what was too large and what to do instead; by default it names the limit. */
  constructor(limitBytes: number, message = `the request body is larger than ${limitBytes} bytes`) {
    super(413, "payload_too_large", message, { context: { limitBytes } });
  }
}

/** 415: the body is not JSON. */
export class UnsupportedMediaTypeError extends HttpError {
  override readonly name: string = "UnsupportedMediaTypeError";
  constructor(contentType: string) {
    super(415, "unsupported_media_type", `send application/json, not "${contentType}"`);
  }
}

/** 429: too many requests; retry after `retryAfterSeconds`. */
export class RateLimitedError extends HttpError {
  override readonly name: string = "RateLimitedError";
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(429, "rate_limited", `too many requests; retry in ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 429 with its own reason: a per-user cap on kept things (not a request rate), retry after `retryAfterSeconds`. */
export class TooManyError extends HttpError {
  override readonly name: string = "TooManyError";
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(429, "rate_limited", message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 503: the feature needs the bot, which is not configured. */
export class BotDisabledError extends HttpError {
  override readonly name: string = "BotDisabledError";
  constructor() {
    super(503, "bot_disabled", "the relay runs without a Telegram bot (TELEGRAM_BOT_TOKEN is not set)");
  }
}

/** 502: Telegram's file server failed; the message never contains the file URL (it holds the token). */
export class UpstreamError extends HttpError {
  override readonly name: string = "UpstreamError";
  constructor(message: string, options?: RelayErrorOptions) {
    super(502, "upstream_failed", message, options);
  }
}

/** 503: the relay cannot do this right now (its store is unreachable); retry after `retryAfterSeconds`. */
export class ServiceUnavailableError extends HttpError {
  override readonly name: string = "ServiceUnavailableError";
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: RelayErrorOptions) {
    super(503, "internal", message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The store failed or found its data inconsistent. Answered as 500. */
export class StoreError extends AppError {
  override readonly name: string = "StoreError";
  constructor(message: string, options: RelayErrorOptions = {}) {
    super("store_failed", message, options);
  }
}

/**
 * The store could not be reached in time (Redis down or restarting for longer than commands
 * wait). Nothing was decided, so the request may be retried: answered as 503 with Retry-After, and
 * a webhook update that hits it is answered 503 so Telegram sends it again.
 */
export class StoreUnavailableError extends StoreError {
  override readonly name: string = "StoreUnavailableError";
}

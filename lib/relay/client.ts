/**
 * The browser's client for the relay API (fetch only, no Node imports). The PWA uses it to link
 * a session (Mini App init data or a `/link` code), follow its jobs over Server-Sent Events, claim
 * one, keep the lease alive, fetch the audio, and post the transcript or the failure.
 *
 * Events are read with `fetch` and a streaming parser rather than `EventSource`, because
 * `EventSource` cannot send the `Authorization` header. The subscription reconnects by itself
 * with backoff and sends `Last-Event-ID`, so the relay replays what was missed.
 */
import { AppError } from "../errors";
import { RELAY_EVENT_NAMES, RELAY_PATHS, type ClaimResponse, type FinishResponse, type HeartbeatResponse, type JobGoneData, type JobSummary, type RelayErrorCode, type ReleaseResponse, type SessionInfoResponse, type SessionResponse } from "./protocol";
import { isRecord } from "../guards";
import type { Segment } from "../transcript/types";
import { SseParser, type SseEvent } from "./sse-parser";
import { parseErrorBody, parseJobGoneData, parseJobSummary, parseRelayUser, type Parsed } from "./parse";

/** A failed relay call: `status` 0 means the network failed; `code` is the relay's error code. */
export class RelayClientError extends AppError {
  override readonly name: string = "RelayClientError";
  readonly status: number;
  readonly apiCode: RelayErrorCode | "network" | "bad_response";

  constructor(status: number, apiCode: RelayClientError["apiCode"], message: string, options: { cause?: unknown } = {}) {
    super(`relay_${apiCode}`, message, { ...options, context: { status } });
    this.status = status;
    this.apiCode = apiCode;
  }
}

/** The `fetch` the client uses; inject one in tests. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Options of {@link RelayClient}. */
export interface RelayClientOptions {
  /** The relay's origin, e.g. "https://relay.example.com" (no trailing slash needed). */
  readonly baseUrl: string;
  /** A session token from an earlier link, e.g. from storage. */
  readonly token?: string | null;
  readonly fetch?: FetchLike;
}

/** Callbacks of {@link RelayClient.subscribe}. */
export interface SubscriptionHandlers {
  /** A job appeared or changed state (`pending` ones may be claimed). */
  readonly onJob: (job: JobSummary) => void;
  /** A job finished and can be forgotten. */
  readonly onJobGone: (gone: JobGoneData) => void;
  /** The stream (re)connected. */
  readonly onOpen?: () => void;
  /** A connection failed (it will be retried) or an event was malformed. */
  readonly onError?: (error: RelayClientError) => void;
  /** The session is no longer valid (401); the subscription has stopped. Link again. */
  readonly onUnauthorized?: () => void;
}

/** Timing of {@link RelayClient.subscribe}; the defaults suit browsers. */
export interface SubscriptionOptions {
  readonly initialRetryMs?: number;
  readonly maxRetryMs?: number;
  /** Reconnect when nothing (not even a keep-alive comment) arrived for this long. */
  readonly idleTimeoutMs?: number;
  /** Resume after this event id (e.g. remembered across page loads). */
  readonly lastEventId?: string | null;
}

/** A running subscription. */
export interface EventSubscription {
  /** Stops it for good. */
  close(): void;
  /** The id to resume from. */
  readonly lastEventId: string | null;
}

/** The audio of a job. */
export interface JobAudio {
  readonly data: ArrayBuffer;
  readonly contentType: string;
}

function expect<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new RelayClientError(200, "bad_response", `unexpected relay response: ${parsed.error}`);
  return parsed.value;
}

function field(body: unknown, key: string, type: "string" | "number" | "boolean"): void {
  if (!isRecord(body) || typeof body[key] !== type) throw new RelayClientError(200, "bad_response", `unexpected relay response: "${key}" is missing`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/** See the module comment. */
export class RelayClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private currentToken: string | null;

  constructor(options: RelayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.currentToken = options.token ?? null;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The session token (store it to stay linked across reloads), or null before linking. */
  get token(): string | null {
    return this.currentToken;
  }

  /** Links with the Mini App's signed init data (`readLaunchParams(location.hash).initData`). */
  async linkWithInitData(initData: string): Promise<SessionResponse> {
    return this.link(RELAY_PATHS.sessionTelegram, { initData });
  }

  /** Links with a one-time code from the bot's `/link`. */
  async linkWithCode(code: string): Promise<SessionResponse> {
    return this.link(RELAY_PATHS.sessionCode, { code });
  }

  /** Who this session is; 401 (as {@link RelayClientError}) when it was signed out. */
  async getSession(): Promise<SessionInfoResponse> {
    const body = await this.request("GET", RELAY_PATHS.session);
    return { user: expect(parseRelayUser(isRecord(body) ? body.user : undefined)) };
  }

  /** Ends this session on the relay and forgets the token. */
  async signOut(): Promise<void> {
    try {
      await this.request("DELETE", RELAY_PATHS.session);
    } finally {
      this.currentToken = null;
    }
  }

  /** The user's pending and claimed jobs, oldest first. */
  async listJobs(): Promise<JobSummary[]> {
    const body = await this.request("GET", RELAY_PATHS.jobs);
    const jobs = isRecord(body) ? body.jobs : undefined;
    if (!Array.isArray(jobs)) throw new RelayClientError(200, "bad_response", "unexpected relay response: no jobs list");
    return jobs.map((job: unknown) => expect(parseJobSummary(job)));
  }

  /** Claims a job; a {@link RelayClientError} with status 409 means another tab has it or it is finished. */
  async claim(jobId: string): Promise<ClaimResponse> {
    const body = await this.request("POST", RELAY_PATHS.claim(jobId), {});
    field(body, "lease", "string");
    field(body, "expiresAt", "string");
    field(body, "leaseSeconds", "number");
    if (!isRecord(body)) throw new RelayClientError(200, "bad_response", "unexpected relay response");
    return {
      lease: String(body.lease),
      expiresAt: String(body.expiresAt),
      leaseSeconds: Number(body.leaseSeconds),
      job: expect(parseJobSummary(body.job)),
    };
  }

  /** Renews the lease; call it every `leaseSeconds / 3` while working. */
  async heartbeat(jobId: string, lease: string): Promise<HeartbeatResponse> {
    const body = await this.request("POST", RELAY_PATHS.heartbeat(jobId), { lease });
    field(body, "expiresAt", "string");
    return { expiresAt: isRecord(body) ? String(body.expiresAt) : "" };
  }

  /** Gives the job back so another session may take it. */
  async release(jobId: string, lease: string): Promise<ReleaseResponse> {
    const body = await this.request("POST", RELAY_PATHS.release(jobId), { lease });
    field(body, "released", "boolean");
    return { released: isRecord(body) && body.released === true };
  }

  /** Downloads the job's audio (streamed by the relay from Telegram). */
  async fetchAudio(jobId: string, lease: string, signal?: AbortSignal): Promise<JobAudio> {
    const response = await this.send("GET", RELAY_PATHS.audio(jobId, lease), undefined, signal);
    const data = await response.arrayBuffer();
    return { data, contentType: response.headers.get("content-type") ?? "application/octet-stream" };
  }

  /** Posts the transcript. Retrying after a network error is safe: the relay counts it once. */
  async postResult(
    jobId: string,
    lease: string,
    result: { readonly text: string; readonly segments: readonly Segment[]; readonly language: string | null },
  ): Promise<FinishResponse> {
    return this.finish(RELAY_PATHS.result(jobId), { lease, text: result.text, segments: result.segments, language: result.language });
  }

  /** Reports that this device could not transcribe the job; the chat is told `message`. */
  async postFailure(jobId: string, lease: string, message: string): Promise<FinishResponse> {
    return this.finish(RELAY_PATHS.failure(jobId), { lease, message });
  }

  /** Follows the session's job events until closed, reconnecting with backoff and `Last-Event-ID`. */
  subscribe(handlers: SubscriptionHandlers, options: SubscriptionOptions = {}): EventSubscription {
    const controller = new AbortController();
    const initialRetry = options.initialRetryMs ?? 1000;
    const maxRetry = options.maxRetryMs ?? 30_000;
    const idleTimeout = options.idleTimeoutMs ?? 45_000;
    const state: { lastEventId: string | null; opened: boolean; retryMs: number | null } = {
      lastEventId: options.lastEventId ?? null,
      opened: false,
      retryMs: null,
    };

    const dispatch = (event: SseEvent): void => {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch (cause) {
        handlers.onError?.(new RelayClientError(200, "bad_response", `event "${event.event}" is not JSON`, { cause }));
        return;
      }
      if (event.event === RELAY_EVENT_NAMES.job) {
        const job = parseJobSummary(data);
        if (job.ok) handlers.onJob(job.value);
        else handlers.onError?.(new RelayClientError(200, "bad_response", job.error));
      } else if (event.event === RELAY_EVENT_NAMES.jobGone) {
        const gone = parseJobGoneData(data);
        if (gone.ok) handlers.onJobGone(gone.value);
        else handlers.onError?.(new RelayClientError(200, "bad_response", gone.error));
      }
    };

    const connectOnce = async (): Promise<"again" | "stop"> => {
      const attempt = new AbortController();
      const abortAttempt = (): void => attempt.abort();
      controller.signal.addEventListener("abort", abortAttempt);
      let idle: ReturnType<typeof setTimeout> | undefined;
      const touch = (): void => {
        clearTimeout(idle);
        idle = setTimeout(abortAttempt, idleTimeout);
      };
      try {
        touch();
        const response = await this.fetchImpl(this.baseUrl + RELAY_PATHS.events, {
          method: "GET",
          headers: {
            accept: "text/event-stream",
            authorization: `Bearer ${this.currentToken ?? ""}`,
            ...(state.lastEventId === null ? {} : { "last-event-id": state.lastEventId }),
          },
          cache: "no-store",
          signal: attempt.signal,
        });
        if (response.status === 401) {
          handlers.onUnauthorized?.();
          return "stop";
        }
        if (!response.ok || response.body === null) throw await this.errorFrom(response);
        state.opened = true;
        handlers.onOpen?.();
        const parser = new SseParser(state.lastEventId);
        const decoder = new TextDecoder();
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          touch();
          for (const event of parser.push(decoder.decode(value, { stream: true }))) {
            state.lastEventId = parser.lastEventId;
            dispatch(event);
          }
          state.lastEventId = parser.lastEventId;
          state.retryMs = parser.retry;
        }
        return "again";
      } finally {
        clearTimeout(idle);
        controller.signal.removeEventListener("abort", abortAttempt);
      }
    };

    const run = async (): Promise<void> => {
      let delay = initialRetry;
      while (!controller.signal.aborted) {
        state.opened = false;
        try {
          if ((await connectOnce()) === "stop") return;
        } catch (error) {
          if (controller.signal.aborted) return;
          handlers.onError?.(
            error instanceof RelayClientError ? error : new RelayClientError(0, "network", "the event stream broke off", { cause: error }),
          );
        }
        // A connection that worked starts the backoff over; the server's `retry:` sets its base.
        if (state.opened) delay = state.retryMs ?? initialRetry;
        await sleep(delay, controller.signal);
        delay = Math.min(delay * 2, maxRetry);
      }
    };
    void run();

    return {
      close: () => controller.abort(),
      get lastEventId() {
        return state.lastEventId;
      },
    };
  }

  // -------------------------------------------------------------------------------------------

  private async link(path: string, body: Record<string, string>): Promise<SessionResponse> {
    const response = await this.request("POST", path, body, false);
    field(response, "token", "string");
    const token = isRecord(response) ? String(response.token) : "";
    const user = expect(parseRelayUser(isRecord(response) ? response.user : undefined));
    this.currentToken = token;
    return { token, user };
  }

  private async finish(path: string, body: Record<string, unknown>): Promise<FinishResponse> {
    const response = await this.request("POST", path, body);
    const status = isRecord(response) ? response.status : undefined;
    if (status !== "accepted" && status !== "duplicate") throw new RelayClientError(200, "bad_response", "unexpected relay response: no status");
    return { status };
  }

  private async request(method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
    const response = await this.send(method, path, body, undefined, auth);
    if (response.status === 204) return {};
    try {
      return await response.json();
    } catch (cause) {
      throw new RelayClientError(response.status, "bad_response", "the relay answered with something that is not JSON", { cause });
    }
  }

  private async send(method: string, path: string, body?: unknown, signal?: AbortSignal, auth = true): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (auth) {
      if (this.currentToken === null) throw new RelayClientError(401, "unauthorized", "not linked yet");
      headers.authorization = `Bearer ${this.currentToken}`;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        cache: "no-store",
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (cause) {
      throw new RelayClientError(0, "network", `cannot reach the relay (${method} ${path.split("?")[0] ?? path})`, { cause });
    }
    if (!response.ok) throw await this.errorFrom(response);
    return response;
  }

  private async errorFrom(response: Response): Promise<RelayClientError> {
    let parsed: ReturnType<typeof parseErrorBody>;
    try {
      parsed = parseErrorBody(await response.json());
    } catch {
      parsed = null;
    }
    return parsed === null
      ? new RelayClientError(response.status, "bad_response", `the relay answered ${response.status}`)
      : new RelayClientError(response.status, parsed.error.code, parsed.error.message);
  }
}

/**
 * The browser's client for the relay API (fetch only, no Node imports). The PWA uses it to link
 * a session (Mini App init data or a `/link` code), follow its jobs over Server-Sent Events, claim
 * one, keep the lease alive, fetch the audio, and post the transcript or the failure.
 *
 * Events are followed by ./event-subscription (fetch and a streaming parser rather than
 * `EventSource`, which cannot send the `Authorization` header); failures are ./client-error's.
 */
import { isRecord } from "../guards";
import type { Segment } from "../transcript/types";
import { RelayClientError, relayErrorFrom } from "./client-error";
import { subscribeToEvents, type EventSubscription, type SubscriptionHandlers, type SubscriptionOptions } from "./event-subscription";
import { parseJobSummary, parseRelayUser, type Parsed } from "./parse";
import type { PostedFailureKind } from "./failure-kinds";
import {
  RELAY_PATHS,
  type ClaimResponse,
  type FinishResponse,
  type HeartbeatResponse,
  type JobSummary,
  type ProgressResponse,
  type ReleaseResponse,
  type RetryResponse,
  type SessionInfoResponse,
  type SessionResponse,
} from "./protocol";

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

  /** Sends the text so far of a job this session holds; the chat shows it as a draft. */
  async postProgress(jobId: string, lease: string, text: string): Promise<ProgressResponse> {
    const body = await this.request("POST", RELAY_PATHS.progress(jobId), { lease, text });
    field(body, "accepted", "boolean");
    return { accepted: isRecord(body) && body.accepted === true };
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

  /** Reports that this device could not transcribe the job; the chat is told `message` (and, by `failureKind`, whether Retry can help). */
  async postFailure(jobId: string, lease: string, message: string, failureKind?: PostedFailureKind): Promise<FinishResponse> {
    return this.finish(RELAY_PATHS.failure(jobId), { lease, message, ...(failureKind === undefined ? {} : { failureKind }) });
  }

  /** The inbox's Retry of a failed, expired or undelivered job (the chat's status follows); 409 where retrying cannot help. */
  async retry(jobId: string): Promise<RetryResponse> {
    const body = await this.request("POST", RELAY_PATHS.retry(jobId));
    const status = isRecord(body) ? body.status : undefined;
    if (status !== "requeued" && status !== "resent") throw new RelayClientError(200, "bad_response", "unexpected relay response: no status");
    return { status };
  }

  /** Follows the session's job events until closed, reconnecting with backoff and `Last-Event-ID`. */
  subscribe(handlers: SubscriptionHandlers, options: SubscriptionOptions = {}): EventSubscription {
    const open = (lastEventId: string | null, signal: AbortSignal): Promise<Response> =>
      this.fetchImpl(this.baseUrl + RELAY_PATHS.events, {
        method: "GET",
        headers: {
          accept: "text/event-stream",
          authorization: `Bearer ${this.currentToken ?? ""}`,
          ...(lastEventId === null ? {} : { "last-event-id": lastEventId }),
        },
        cache: "no-store",
        signal,
      });
    return subscribeToEvents(open, handlers, options);
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
    if (!response.ok) throw await relayErrorFrom(response);
    return response;
  }
}

/**
 * Following a session's job events over Server-Sent Events, read with `fetch` because `EventSource`
 * cannot send the `Authorization` header. The subscription reconnects by itself with backoff and
 * sends `Last-Event-ID`, so the relay replays what was missed.
 */
import { RelayClientError, relayErrorFrom } from "./client-error";
import { parseJobGoneData, parseJobSummary } from "./parse";
import { RELAY_EVENT_NAMES, type JobGoneData, type JobSummary } from "./protocol";
import { SseParser, type SseEvent } from "./sse-parser";

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
  /**
   * Drops the current connection or backoff and connects again at once, resuming after the last
   * event (the page was hidden, e.g. a Mini App Telegram minimised, and its stream may be dead).
   */
  reconnectNow(): void;
  /** The id to resume from. */
  readonly lastEventId: string | null;
}

/** Opens one event-stream request that resumes after `lastEventId`; {@link subscribeToEvents} calls it for every (re)connection. */
export type OpenEventStream = (lastEventId: string | null, signal: AbortSignal) => Promise<Response>;

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

/** Follows the job events of the streams `open` gives until closed, reconnecting with backoff and `Last-Event-ID`; `RelayClient.subscribe` is the usual way in. */
export function subscribeToEvents(open: OpenEventStream, handlers: SubscriptionHandlers, options: SubscriptionOptions = {}): EventSubscription {
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

  let current: AbortController | null = null;
  let wakeUp: (() => void) | null = null;
  let hurry = false;

  const connectOnce = async (): Promise<"again" | "stop"> => {
    const attempt = new AbortController();
    current = attempt;
    const abortAttempt = (): void => attempt.abort();
    controller.signal.addEventListener("abort", abortAttempt);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = (): void => {
      clearTimeout(idle);
      idle = setTimeout(abortAttempt, idleTimeout);
    };
    try {
      touch();
      const response = await open(state.lastEventId, attempt.signal);
      if (response.status === 401) {
        handlers.onUnauthorized?.();
        return "stop";
      }
      if (!response.ok || response.body === null) throw await relayErrorFrom(response);
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
      current = null;
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
        if (!hurry) handlers.onError?.(
          error instanceof RelayClientError ? error : new RelayClientError(0, "network", "the event stream broke off", { cause: error }),
        );
      }
      // A connection that worked starts the backoff over; the server's `retry:` sets its base.
      if (state.opened) delay = state.retryMs ?? initialRetry;
      if (!hurry) await nap(delay);
      delay = hurry ? initialRetry : Math.min(delay * 2, maxRetry);
      hurry = false;
    }
  };
  const nap = (ms: number): Promise<void> => {
    const napping = new AbortController();
    const stop = (): void => napping.abort();
    controller.signal.addEventListener("abort", stop);
    wakeUp = stop;
    return sleep(ms, napping.signal).finally(() => {
      wakeUp = null;
      controller.signal.removeEventListener("abort", stop);
    });
  };
  void run();

  return {
    close: () => controller.abort(),
    reconnectNow: () => {
      if (controller.signal.aborted) return;
      hurry = true;
      current?.abort();
      wakeUp?.();
    },
    get lastEventId() {
      return state.lastEventId;
    },
  };
}

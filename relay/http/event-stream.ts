/**
 * GET /api/events: a Server-Sent Events stream of the session user's `job` and `job-gone` events.
 * Every event has an `id:`. A reconnect with `Last-Event-ID` (header, or `lastEventId` query for
 * EventSource-less clients) replays the user's events after it from the store's log; a fresh
 * connection, or an id the log no longer covers, gets a snapshot of the open jobs instead. Live
 * events that arrive during the replay are held back and sent after it, without duplicates.
 * A comment line every 15 s keeps proxies from closing the stream.
 */
import type { ServerResponse } from "node:http";
import { RELAY_EVENT_NAMES } from "../../lib/relay/protocol";
import { createLogger } from "../../lib/logger";
import type { SessionHub } from "../events/session-hub";
import { toJobSummary } from "../jobs/job-summary";
import type { Session } from "../sessions/session-service";
import type { RelayStore } from "../ports/relay-store";
import type { RouteContext } from "./router";
import type { SseMessage } from "../ports/local-streams";

const log = createLogger("relay:sse");

/** Interval of the keep-alive comment. */
const SSE_HEARTBEAT_MS = 15_000;
/** A client this far behind is disconnected rather than buffered for. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const REPLAY_PAGE = 500;

function format(message: SseMessage): string {
  return `id: ${message.id}\nevent: ${message.name}\ndata: ${message.data}\n\n`;
}

function lastEventId(ctx: RouteContext): number | null {
  const header = ctx.req.headers["last-event-id"];
  const text = (Array.isArray(header) ? header[0] : header) ?? ctx.url.searchParams.get("lastEventId");
  if (text === undefined || text === null || !/^\d{1,15}$/.test(text.trim())) return null;
  return Number(text.trim());
}

/** What the stream needs. */
export interface EventStreamDeps {
  readonly store: RelayStore;
  readonly hub: SessionHub;
  readonly now: () => number;
  readonly heartbeatMs?: number;
}

/** Serves one event stream for `session` until the client leaves or the relay closes it. */
export async function serveEventStream(ctx: RouteContext, session: Session, deps: EventStreamDeps): Promise<void> {
  const { req, res } = ctx;
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    "x-accel-buffering": "no",
    connection: "keep-alive",
  });
  res.write("retry: 3000\n\n");

  let closed = false;
  let sentUpTo = 0;
  let held: SseMessage[] | null = [];
  const write = (response: ServerResponse, text: string): void => {
    if (closed) return;
    response.write(text);
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      log.warn(`session of user ${session.userId} is not reading its events; closing the stream`);
      close();
    }
  };
  const send = (message: SseMessage): void => {
    sentUpTo = Math.max(sentUpTo, message.id);
    write(res, format(message));
  };

  const unsubscribe = deps.hub.add(session.userId, {
    sessionId: session.sessionId,
    deliver: (message) => {
      if (held !== null) held.push(message);
      else if (message.id > sentUpTo) send(message);
    },
    close: () => close(),
  });
  const heartbeat = setInterval(() => write(res, ": ping\n\n"), deps.heartbeatMs ?? SSE_HEARTBEAT_MS);
  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  }
  res.on("close", close);

  try {
    const bounds = await deps.store.eventBounds(session.userId);
    const since = lastEventId(ctx);
    if (since !== null && since >= bounds.oldest - 1 && since <= bounds.latest) {
      sentUpTo = since;
      for (;;) {
        const page = await deps.store.eventsAfter(session.userId, sentUpTo, REPLAY_PAGE);
        for (const event of page) send({ id: event.id, name: event.name, data: event.data });
        if (page.length < REPLAY_PAGE) break;
      }
      sentUpTo = Math.max(sentUpTo, bounds.latest);
    } else {
      const now = deps.now();
      for (const job of await deps.store.listOpenJobs(session.userId)) {
        write(res, format({ id: bounds.latest, name: RELAY_EVENT_NAMES.job, data: JSON.stringify(toJobSummary(job, now)) }));
      }
      sentUpTo = bounds.latest;
    }
    const backlog = held ?? [];
    held = null;
    for (const message of backlog) if (message.id > sentUpTo) send(message);
  } catch (error) {
    log.error(`event stream of user ${session.userId} failed`, error);
    close();
  }
}

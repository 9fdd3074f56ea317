/** `GET /api/events`: the session's Server-Sent Events stream (see `../event-stream.ts`). */
import { RELAY_PATHS } from "../../../lib/relay/protocol";
import type { SessionHub } from "../../events/session-hub";
import type { RelayStore } from "../../ports/relay-store";
import { serveEventStream } from "../event-stream";
import type { Router } from "../router";
import type { RouteKit } from "./route-kit";

/** What the event route needs. */
export interface EventRouteDeps {
  readonly store: RelayStore;
  readonly hub: SessionHub;
  readonly now: () => number;
  readonly sseHeartbeatMs?: number;
}

/** Adds the event stream route. */
export function addEventRoutes(router: Router, kit: RouteKit, deps: EventRouteDeps): void {
  router.on("GET", RELAY_PATHS.events, async (ctx) => {
    const session = await kit.authed(ctx);
    await serveEventStream(ctx, session, {
      store: deps.store,
      hub: deps.hub,
      now: deps.now,
      ...(deps.sseHeartbeatMs === undefined ? {} : { heartbeatMs: deps.sseHeartbeatMs }),
    });
  });
}

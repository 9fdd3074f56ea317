/**
 * The relay's HTTP API for browser sessions (see `lib/relay/protocol.ts` for every body) plus
 * /healthz and the Telegram webhook, assembled from the route files in `routes/`, one per
 * resource. Handlers validate input, authenticate the bearer token, apply per-user rate limits
 * and call the services; errors are thrown and answered by the one top-level handler in
 * `http-handler.ts`.
 */
import type { HealthResponse } from "../../lib/relay/protocol";
import type { SessionHub } from "../events/session-hub";
import type { JobService } from "../jobs/job-service";
import type { RelayStore } from "../ports/relay-store";
import type { SessionService } from "../sessions/session-service";
import { Router } from "./router";
import { addEventRoutes } from "./routes/event-routes";
import { addExportRoutes } from "./routes/export-routes";
import type { ExportService } from "../exports/export-service";
import { addHealthRoutes } from "./routes/health-routes";
import { addJobRoutes } from "./routes/job-routes";
import { createRouteKit } from "./routes/route-kit";
import { addSessionRoutes } from "./routes/session-routes";
import { addWebhookRoute, type WebhookRoute } from "./routes/webhook-route";

/** What the routes need. */
export interface ApiDeps {
  readonly jobs: JobService;
  readonly sessions: SessionService;
  /** Transcript exports passed on to Telegram for the Mini App. */
  readonly exports: ExportService;
  readonly store: RelayStore;
  readonly hub: SessionHub;
  readonly requestsPerMinute: number;
  /** Sign-ins with init data per client address per minute. */
  readonly linksPerMinute: number;
  /** `/link` code guesses per client address per minute. */
  readonly codeGuessesPerMinute: number;
  /** `/link` code guesses per minute from everyone. */
  readonly codeGuessesGlobalPerMinute: number;
  readonly health: () => Promise<HealthResponse>;
  readonly webhook: WebhookRoute | null;
  readonly now: () => number;
  readonly sseHeartbeatMs?: number;
}

/** Builds the router with every route; call once per server. */
export function createApiRouter(deps: ApiDeps): Router {
  const kit = createRouteKit(deps);
  const router = new Router();
  addHealthRoutes(router, deps.health);
  addSessionRoutes(router, kit, deps.sessions);
  addEventRoutes(router, kit, deps);
  addJobRoutes(router, kit, deps.jobs);
  addExportRoutes(router, kit, deps.exports);
  if (deps.webhook !== null) addWebhookRoute(router, kit, deps.webhook);
  return router;
}

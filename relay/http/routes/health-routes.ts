/** `GET /healthz`: memory, counts and mode of this relay, for load balancers and operators. */
import { RELAY_PATHS, type HealthResponse } from "../../../lib/relay/protocol";
import { sendJson } from "../respond";
import type { Router } from "../router";

/** Adds the health route; `health` is asked on every request. */
export function addHealthRoutes(router: Router, health: () => Promise<HealthResponse>): void {
  router.on("GET", RELAY_PATHS.health, async (ctx) => sendJson(ctx.res, 200, await health()));
}

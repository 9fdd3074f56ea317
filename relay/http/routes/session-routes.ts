/** The session routes: linking with Mini App init data or a `/link` code, reading and signing out. */
import { RELAY_PATHS, type SessionInfoResponse, type SessionResponse } from "../../../lib/relay/protocol";
import type { SessionService } from "../../sessions/session-service";
import { sendJson } from "../respond";
import type { Router } from "../router";
import { required, type RouteKit } from "./route-kit";
import { parseCodeSessionRequest, parseTelegramSessionRequest } from "../../../lib/relay/parse";

/** Adds `/api/session…`; linking is limited per client address, the rest per user. */
export function addSessionRoutes(router: Router, kit: RouteKit, sessions: SessionService): void {
  router.on("POST", RELAY_PATHS.sessionTelegram, async (ctx) => {
    kit.limitSignIn(ctx);
    const request = required(parseTelegramSessionRequest(await kit.body(ctx)));
    const response: SessionResponse = await sessions.linkWithInitData(request.initData);
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", RELAY_PATHS.sessionCode, async (ctx) => {
    kit.limitCodeGuess(ctx);
    const request = required(parseCodeSessionRequest(await kit.body(ctx)));
    const response: SessionResponse = await sessions.linkWithCode(request.code);
    sendJson(ctx.res, 200, response);
  });

  router.on("GET", RELAY_PATHS.session, async (ctx) => {
    const session = await kit.authed(ctx);
    const response: SessionInfoResponse = { user: session.user };
    sendJson(ctx.res, 200, response);
  });

  router.on("DELETE", RELAY_PATHS.session, async (ctx) => {
    const session = await kit.authed(ctx);
    await sessions.logout(session);
    ctx.res.writeHead(204, { "content-length": 0 }).end();
  });
}

/** The Telegram webhook, served on the path of `WEBHOOK_URL` in webhook mode. */
import { timingSafeEqual } from "node:crypto";
import { UnauthorizedError } from "../../errors";
import { sendJson } from "../respond";
import type { Router } from "../router";
import type { RouteKit } from "./route-kit";

/** The Telegram webhook, when the bot runs in webhook mode. */
export interface WebhookRoute {
  readonly path: string;
  readonly secret: string;
  /** Handles one update; resolves when done. */
  readonly onUpdate: (update: unknown) => Promise<void>;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Adds the webhook route; its path is the deployment's own, so it is not in `RELAY_PATHS`. */
export function addWebhookRoute(router: Router, kit: RouteKit, webhook: WebhookRoute): void {
  router.on("POST", webhook.path, async (ctx) => {
    const header = ctx.req.headers["x-telegram-bot-api-secret-token"];
    if (!sameSecret(Array.isArray(header) ? header[0] : header, webhook.secret)) {
      throw new UnauthorizedError("wrong or missing X-Telegram-Bot-Api-Secret-Token");
    }
    await webhook.onUpdate(await kit.body(ctx));
    sendJson(ctx.res, 200, { ok: true });
  });
}

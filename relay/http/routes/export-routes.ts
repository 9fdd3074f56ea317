/**
 * The export routes: a session uploads a transcript file (POST, authenticated, size-capped), and
 * anyone holding the returned URL — Telegram's client, for the Mini App's `downloadFile` — fetches it
 * a few times within minutes (GET; HEAD looks without counting). See `relay/exports/export-service.ts`.
 */
import { RELAY_PATHS, type ExportResponse } from "../../../lib/relay/protocol";
import { isTranscriptFormat, mimeTypeFor } from "../../../lib/transcript/formats";
import { BadRequestError, NotFoundError } from "../../errors";
import { contentDisposition, tooLargeMessage, type ExportService } from "../../exports/export-service";
import { readBytes } from "../read-json";
import { sendJson } from "../respond";
import type { RouteContext, Router } from "../router";
import { param, type RouteKit } from "./route-kit";

const MAX_NAME_CHARS = 200;

/** Adds `/api/exports…`. */
export function addExportRoutes(router: Router, kit: RouteKit, exports: ExportService): void {
  router.on("POST", RELAY_PATHS.exports, async (ctx) => {
    const session = await kit.authed(ctx);
    const format = ctx.url.searchParams.get("format");
    if (!isTranscriptFormat(format)) throw new BadRequestError(`add ?format= with one of txt, srt, vtt, json`);
    const name = ctx.url.searchParams.get("name") ?? "transcript";
    if (name.length > MAX_NAME_CHARS) throw new BadRequestError(`the file name is longer than ${MAX_NAME_CHARS} characters`);
    const bytes = await readBytes(ctx.req, exports.limits.maxBytes, tooLargeMessage(exports.limits));
    const response: ExportResponse = await exports.create(session, { format, name, bytes });
    sendJson(ctx.res, 201, response);
  });

  const serve = (peek: boolean) => async (ctx: RouteContext) => {
    const record = await exports.open(param(ctx, "token"), peek);
    if (record === null) throw new NotFoundError("this download has expired or was already used; save the file again from the app");
    const body = Buffer.from(record.body, "utf8");
    ctx.res.writeHead(200, {
      "content-type": mimeTypeFor(record.format),
      "content-length": body.length,
      "content-disposition": contentDisposition(record.fileName),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "referrer-policy": "no-referrer",
      "x-robots-tag": "noindex",
    });
    ctx.res.end(peek ? undefined : body);
  };
  router.on("GET", RELAY_PATHS.routes.exportFile, serve(false));
  router.on("HEAD", RELAY_PATHS.routes.exportFile, serve(true));
}

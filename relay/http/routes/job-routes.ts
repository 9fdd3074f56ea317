/** The job routes: list, claim, heartbeat, release, the streamed audio, progress (live text), result, failure and retry. */
import { RELAY_PATHS, type ClaimResponse, type FinishResponse, type HeartbeatResponse, type JobListResponse, type ProgressResponse, type ReleaseResponse, type RetryResponse } from "../../../lib/relay/protocol";
import { createLogger } from "../../../lib/logger";
import { BadRequestError, ConflictError, NotFoundError } from "../../errors";
import type { JobService } from "../../jobs/job-service";
import { sendJson } from "../respond";
import type { Router } from "../router";
import { param, required, type RouteKit } from "./route-kit";
import { parseFailureRequest, parseLeaseRequest, parseProgressRequest, parseResultRequest } from "../../../lib/relay/parse";

const log = createLogger("relay:http");

/** Adds `/api/jobs…`. */
export function addJobRoutes(router: Router, kit: RouteKit, jobs: JobService): void {
  router.on("GET", RELAY_PATHS.jobs, async (ctx) => {
    const session = await kit.authed(ctx);
    const response: JobListResponse = { jobs: await jobs.listOpen(session) };
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", RELAY_PATHS.routes.claim, async (ctx) => {
    const session = await kit.authed(ctx);
    const response: ClaimResponse = await jobs.claim(session, param(ctx, "id"));
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", RELAY_PATHS.routes.heartbeat, async (ctx) => {
    const session = await kit.authed(ctx);
    const request = required(parseLeaseRequest(await kit.body(ctx)));
    const response: HeartbeatResponse = await jobs.heartbeat(session, param(ctx, "id"), request.lease);
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", RELAY_PATHS.routes.release, async (ctx) => {
    const session = await kit.authed(ctx);
    const request = required(parseLeaseRequest(await kit.body(ctx)));
    const response: ReleaseResponse = { released: await jobs.release(session, param(ctx, "id"), request.lease) };
    sendJson(ctx.res, 200, response);
  });

  router.on("GET", RELAY_PATHS.routes.audio, async (ctx) => {
    const session = await kit.authed(ctx);
    const lease = ctx.url.searchParams.get("lease");
    if (lease === null || lease.length === 0) throw new BadRequestError(`add ?lease=<lease> from the claim`);
    const audio = await jobs.openAudio(session, param(ctx, "id"), lease, ctx.signal);
    ctx.res.writeHead(200, {
      "content-type": audio.contentType,
      ...(audio.contentLength === null ? {} : { "content-length": audio.contentLength }),
      "cache-control": "no-store",
    });
    try {
      // Follows backpressure: a slow browser slows the download from Telegram.
      await audio.pipeTo(ctx.res);
    } catch (error) {
      log.debug(`audio stream of job ${param(ctx, "id")} ended early`, error);
    }
  });

  router.on("POST", RELAY_PATHS.routes.progress, async (ctx) => {
    const session = await kit.authed(ctx);
    const request = required(parseProgressRequest(await kit.body(ctx)));
    const response: ProgressResponse = { accepted: await jobs.progress(session, param(ctx, "id"), request.lease, request.text) };
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", RELAY_PATHS.routes.result, async (ctx) => {
    const session = await kit.authed(ctx);
    const request = required(parseResultRequest(await kit.body(ctx)));
    const status = await jobs.finish(session, param(ctx, "id"), request.lease, {
      kind: "done",
      result: { text: request.text, segments: request.segments, language: request.language },
    });
    const response: FinishResponse = { status };
    sendJson(ctx.res, 200, response);
  });

  router.on("POST", RELAY_PATHS.routes.failure, async (ctx) => {
    const session = await kit.authed(ctx);
    const request = required(parseFailureRequest(await kit.body(ctx)));
    const status = await jobs.finish(session, param(ctx, "id"), request.lease, {
      kind: "failed",
      message: request.message,
      ...(request.failureKind === undefined ? {} : { failureKind: request.failureKind }),
    });
    const response: FinishResponse = { status };
    sendJson(ctx.res, 200, response);
  });

  // The inbox's Retry: the same decision and the same chat update as the chat's Retry button.
  router.on("POST", RELAY_PATHS.routes.retry, async (ctx) => {
    const session = await kit.authed(ctx);
    const outcome = await jobs.retry(param(ctx, "id"), session.userId);
    if (outcome === "not-yours") throw new NotFoundError("no such job");
    if (outcome === "not-requeueable") throw new ConflictError("this job cannot be retried: it is not finished, or retrying cannot help");
    const response: RetryResponse = { status: outcome };
    sendJson(ctx.res, 200, response);
  });
}

/**
 * The lease side of the job service: a browser session claims a job, keeps its lease alive, streams
 * its audio and gives it back, and the chat's status message follows ("transcribing" while a session
 * holds it, "waiting for your device" once it is given back). `JobService` owns one and forwards
 * its session API to it; nothing else calls it.
 */
import type { Writable } from "node:stream";
import type { ClaimResponse } from "../../lib/relay/protocol";
import { newLeaseToken } from "../auth/secrets";
import { BotDisabledError, ConflictError, NotFoundError } from "../errors";
import type { EventFeed } from "../events/event-feed";
import type { ChatGateway } from "../ports/chat-gateway";
import type { RelayStore } from "../ports/relay-store";
import type { JobDelivery } from "./job-delivery";
import type { JobLiveText } from "./job-live-text";
import { publicState, toJobSummary } from "./job-summary";

/** The caller of a session API: which Telegram user, which session. */
export interface SessionActor {
  readonly userId: number;
  /** Stable per session, not secret (derived from the token hash). */
  readonly sessionId: string;
}

/** An audio stream ready to send to the browser. */
export interface AudioStream {
  /** Writes the audio to `destination` with backpressure and ends it; rejects on a failure of either side. */
  pipeTo(destination: Writable): Promise<void>;
  /** Drops the download unread. */
  cancel(): void;
  readonly contentType: string;
  readonly contentLength: number | null;
}

/** What {@link JobLeases} needs from the service that owns it. */
export interface JobLeasesOptions {
  readonly store: RelayStore;
  readonly feed: EventFeed;
  /** Null when the relay runs without the bot (no audio to open, no chat to tell). */
  readonly gateway: ChatGateway | null;
  readonly delivery: JobDelivery | null;
  /** Null without the bot; a release waits for a live-text edit in flight so it cannot land after the status. */
  readonly liveText: JobLiveText | null;
  readonly leaseMs: number;
  readonly now: () => number;
}

/** See the module comment. */
export class JobLeases {
  constructor(private readonly options: JobLeasesOptions) {}

  /** Claims a job for this session: 404 when not the user's, 409 when another session holds it or it is finished. */
  async claim(actor: SessionActor, jobId: string): Promise<ClaimResponse> {
    const { store, feed, delivery, leaseMs } = this.options;
    const now = this.options.now();
    const outcome = await store.claimJob(jobId, actor.userId, { token: newLeaseToken(), sessionId: actor.sessionId, expiresAt: now + leaseMs }, now);
    switch (outcome.kind) {
      case "not-found":
        throw new NotFoundError("no such job");
      case "taken":
        throw new ConflictError("another session is transcribing this job");
      case "finished":
        throw new ConflictError(`this job is already ${outcome.job.state}`);
      case "claimed":
        break;
    }
    const job = outcome.job;
    const lease = job.lease;
    if (lease === null) throw new ConflictError("the claim did not stick; try again");
    await delivery?.showStatus(job, true);
    await feed.job(job);
    await delivery?.react(job, "working");
    return { lease: lease.token, expiresAt: new Date(lease.expiresAt).toISOString(), leaseSeconds: leaseMs / 1000, job: toJobSummary(job, now) };
  }

  /** Extends the lease; 409 when it was lost to another session. */
  async heartbeat(actor: SessionActor, jobId: string, lease: string): Promise<{ expiresAt: string }> {
    const now = this.options.now();
    const job = await this.options.store.renewLease(jobId, actor.userId, lease, now + this.options.leaseMs);
    if (job === null) throw await this.leaseProblem(actor, jobId);
    return { expiresAt: new Date(job.lease?.expiresAt ?? now).toISOString() };
  }

  /** Gives the job back to the queue (the tab is closing, or the user cancelled). */
  async release(actor: SessionActor, jobId: string, lease: string): Promise<boolean> {
    const { store, feed, delivery, liveText } = this.options;
    await liveText?.settle(jobId);
    const job = await store.releaseJob(jobId, actor.userId, lease);
    if (job === null) {
      const current = await store.getJob(jobId);
      if (current === null || current.ownerId !== actor.userId) throw new NotFoundError("no such job");
      return false;
    }
    await delivery?.showWaiting(job);
    await feed.job(job);
    return true;
  }

  /** Opens the job's audio from Telegram for the lease holder. The caller pipes `body` to the browser. */
  async openAudio(actor: SessionActor, jobId: string, lease: string, signal: AbortSignal): Promise<AudioStream> {
    const gateway = this.options.gateway;
    if (gateway === null) throw new BotDisabledError();
    const job = await this.options.store.getJob(jobId);
    if (job === null || job.ownerId !== actor.userId) throw new NotFoundError("no such job");
    if (publicState(job, this.options.now()) !== "claimed" || job.lease?.token !== lease) {
      throw new ConflictError("this lease does not hold the job; claim it first");
    }
    const file = await gateway.openFile(job.media.fileId, signal);
    return {
      pipeTo: (destination) => file.pipeTo(destination),
      cancel: () => file.cancel(),
      contentType: job.media.mime ?? "application/octet-stream",
      contentLength: file.contentLength ?? job.media.size,
    };
  }

  private async leaseProblem(actor: SessionActor, jobId: string): Promise<Error> {
    const job = await this.options.store.getJob(jobId);
    if (job === null || job.ownerId !== actor.userId) return new NotFoundError("no such job");
    return new ConflictError(job.state === "done" || job.state === "failed" || job.state === "expired" ? `this job is already ${job.state}` : "this lease no longer holds the job");
  }
}

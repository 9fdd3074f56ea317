/**
 * The job routes over sockets, against the in-process relay and the stand-in Bot API: the inbox's
 * Retry (POST /api/jobs/:id/retry) — who may, which jobs, and that the chat follows as it does for
 * its own Retry button.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PostedFailureKind } from "../../../../../lib/relay/failure-kinds";
import { RELAY_PATHS } from "../../../../../lib/relay/protocol";
import type { RelayClient } from "../../../../../lib/relay/client";
import { texts } from "../../../../../relay/texts";
import { testUser } from "../../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../../harness";

describe("POST /api/jobs/:id/retry", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** A job of `user` that their device failed with `failureKind`; returns its id and status message. */
  async function failedJob(client: RelayClient, user: ReturnType<typeof testUser>, failureKind: PostedFailureKind): Promise<{ id: string; status: number }> {
    const voice = h.api.sendVoice({ from: user, size: 2048 });
    const job = await eventually(async () => {
      const stored = await h.relay.store.findJobByMessage(user.id, voice.message_id);
      return stored !== null && stored.state !== "new" ? stored : undefined;
    }, 5000, "job offered");
    const claim = await client.claim(job.id);
    await client.postFailure(job.id, claim.lease, "it failed", failureKind);
    await eventually(async () => ((await h.relay.store.getJob(job.id))?.delivered === true ? true : undefined), 5000, "failure shown");
    return { id: job.id, status: job.statusMessageId ?? -1 };
  }

  it("needs a session", async () => {
    const response = await h.http("POST", RELAY_PATHS.retry("anything"));
    expect(response.status).toBe(401);
  });

  it("is 404 for another user's job, and changes nothing", async () => {
    const owner = testUser(5001, "Owner");
    const ownerClient = await h.clientFor(owner);
    const { id } = await failedJob(ownerClient, owner, "memory");
    const stranger = await h.clientFor(testUser(5002, "Stranger"));
    const response = await h.http("POST", RELAY_PATHS.retry(id), { token: stranger.token ?? "" });
    expect(response.status).toBe(404);
    expect((await h.relay.store.getJob(id))?.state).toBe("failed");
  });

  it("is 409 where retrying cannot help (a file that is not audio) and for a job still open", async () => {
    const user = testUser(5003);
    const client = await h.clientFor(user);
    const { id, status } = await failedJob(client, user, "not-audio");
    const response = await h.http("POST", RELAY_PATHS.retry(id), { token: client.token ?? "" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "conflict" } });
    expect((await h.relay.store.getJob(id))?.state).toBe("failed");
    expect(h.api.messageText(user.id, status)).toContain("Retrying will not help");
    await expect(client.retry(id)).rejects.toMatchObject({ status: 409 });

    h.api.sendVoice({ from: user, size: 2048 });
    const open = await eventually(async () => (await client.listJobs()).find((job) => job.id !== id), 5000, "an open job");
    await expect(client.retry(open.id)).rejects.toMatchObject({ status: 409 });
  });

  it("requeues the owner's failed job, and the chat's status message follows as for its own Retry button", async () => {
    const user = testUser(5004);
    const client = await h.clientFor(user);
    const { id, status } = await failedJob(client, user, "memory");
    expect(h.api.messageText(user.id, status)).toBe(texts.failed("it failed"));
    expect(await client.retry(id)).toEqual({ status: "requeued" });
    expect((await h.relay.store.getJob(id))?.state).toBe("pending");
    // No session of the user has a stream open: the status says it waits for a device.
    expect(h.api.messageText(user.id, status)).toBe(texts.statusWaiting(86_400));
    expect((await client.listJobs()).map((job) => [job.id, job.state])).toEqual([[id, "pending"]]);
    // Once requeued there is nothing to retry until it ends again.
    await expect(client.retry(id)).rejects.toMatchObject({ status: 409 });
  });
});

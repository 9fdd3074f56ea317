/**
 * Live text over real sockets: a device posts its text so far much faster than the chat may be
 * edited; the status message shows the newest text as a draft at the per-chat cadence, the final
 * edit is the transcript, and no draft lands after it. The cadence runs scaled down here
 * (LIVE_TEXT_PACE / 10, or / LIVE_TEXT_SCALE: 1 measures the real cadence for a minute per chat)
 * so the test is quick; it measures edits per minute and checks they stay within one per interval.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RelayClient } from "../../../../lib/relay/client";
import { RelayClientError } from "../../../../lib/relay/client-error";
import { RELAY_LIMITS, type JobSummary } from "../../../../lib/relay/protocol";
import { LIVE_TEXT_PACE } from "../../../../relay/jobs/job-live-text";
import { texts } from "../../../../relay/texts";
import { groupChat, testUser, type UserChat } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../harness";

/** The text so far after `count` posts: every post adds a word, so its end always changes. */
const wordsSoFar = (count: number): string => Array.from({ length: count }, (_, index) => `w${index + 1}`).join(" ");

const SCALE = Number(process.env.LIVE_TEXT_SCALE ?? "10");
const PACE = { privateMs: LIVE_TEXT_PACE.privateMs / SCALE, groupMs: LIVE_TEXT_PACE.groupMs / SCALE };

describe("live text in the status message", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function claimedJob(user: ReturnType<typeof testUser>, chat?: UserChat): Promise<{ client: RelayClient; job: JobSummary; lease: string; statusId: number; close: () => void }> {
    const client = await h.clientFor(user);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(user.id) ? true : undefined), 5000, "stream open");
    const voice = h.api.sendVoice({ from: user, ...(chat === undefined ? {} : { chat, caption: `@${h.api.botInfo.username}` }) });
    const job = await eventually(() => jobs.find((candidate) => candidate.state === "pending"), 5000, "job event");
    const claim = await client.claim(job.id);
    const stored = await h.relay.store.findJobByMessage(chat?.id ?? user.id, voice.message_id);
    return { client, job, lease: claim.lease, statusId: stored?.statusMessageId ?? -1, close: () => subscription.close() };
  }

  /** Posts growing text every `everyMs` for `forMs`; returns how many posts were made. */
  async function streamText(client: RelayClient, jobId: string, lease: string, forMs: number, everyMs: number): Promise<number> {
    const started = Date.now();
    let posts = 0;
    while (Date.now() - started < forMs) {
      posts += 1;
      await client.postProgress(jobId, lease, wordsSoFar(posts));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    return posts;
  }

  for (const kind of ["private", "group"] as const) {
    it(`keeps draft edits to one per interval in a ${kind} chat, shows the newest text, and ends with the transcript`, async () => {
      h = await startHarness({ JOB_LEASE_S: "600", RELAY_REQUESTS_PER_MIN: "100000" }, { liveTextPace: PACE });
      const alice = testUser(kind === "private" ? 5001 : 5002);
      const chat = kind === "private" ? undefined : groupChat(-100_500_2);
      const chatId = chat?.id ?? alice.id;
      const interval = kind === "private" ? PACE.privateMs : PACE.groupMs;
      const { client, job, lease, statusId, close } = await claimedJob(alice, chat);

      const forMs = (kind === "private" ? 20 : 10) * interval;
      const started = Date.now();
      const posts = await streamText(client, job.id, lease, forMs, 10);
      const elapsed = Date.now() - started;
      await eventually(() => (h.api.messageText(chatId, statusId) === texts.liveDraft(wordsSoFar(posts).slice(-RELAY_LIMITS.maxProgressChars)) ? true : undefined), 5000, "newest draft");
      const drafts = h.api.succeeded("editMessageText").filter((call) => call.params.chat_id === chatId && String(call.params.text).startsWith("✍ Draft"));
      const perMinute = (drafts.length / elapsed) * 60_000;
      const realPerMinute = perMinute / SCALE;
      // The figure the README states: edits a minute at the real cadence, measured here scaled.
      console.info(`live text, ${kind} chat: ${posts} progress posts → ${drafts.length} draft edits in ${elapsed} ms = ${realPerMinute.toFixed(1)} edits/min at the real cadence`);
      if (process.env.LIVE_TEXT_DEBUG === "1") console.info(drafts.map((call) => call.at - started).join(" "));
      expect(posts).toBeGreaterThan(drafts.length * 3);
      expect(drafts.length).toBeLessThanOrEqual(Math.floor(elapsed / interval) + 2);
      expect(drafts.length).toBeGreaterThanOrEqual(Math.floor(forMs / interval / 2));
      for (let i = 1; i < drafts.length; i += 1) expect((drafts[i]?.at ?? 0) - (drafts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(interval * 0.9);

      await client.postProgress(job.id, lease, "last words before the end");
      await client.postResult(job.id, lease, { text: "the final transcript", segments: [], language: "en" });
      await new Promise((resolve) => setTimeout(resolve, interval * 3));
      expect(h.api.messageText(chatId, statusId)).toBe("the final transcript");
      const last = h.api.succeeded("editMessageText").filter((call) => call.params.chat_id === chatId).at(-1);
      expect(last?.params.text).toBe("the final transcript");
      close();
    }, 30_000 + (20 * LIVE_TEXT_PACE.privateMs) / SCALE);
  }

  it("refuses progress from another user (404) and from a lease that does not hold the job (409)", async () => {
    h = await startHarness({ JOB_LEASE_S: "600", RELAY_REQUESTS_PER_MIN: "100000" }, { liveTextPace: PACE });
    const alice = testUser(5011);
    const { client, job, lease, close } = await claimedJob(alice);
    const mallory = await h.clientFor(testUser(5012));
    const statusOf = (promise: Promise<unknown>) => promise.then(() => 200, (error: unknown) => (error instanceof RelayClientError ? error.status : 0));
    expect(await statusOf(mallory.postProgress(job.id, lease, "not mine"))).toBe(404);
    expect(await statusOf(client.postProgress(job.id, "not-the-lease", "words"))).toBe(409);
    await client.release(job.id, lease);
    expect(await statusOf(client.postProgress(job.id, lease, "after release"))).toBe(409);
    expect(h.api.callsTo("editMessageText").some((call) => String(call.params.text).startsWith("✍ Draft"))).toBe(false);
    close();
  });
});

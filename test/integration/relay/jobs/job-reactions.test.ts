/**
 * Reactions over real sockets: the voice message's reaction follows its job, the status text
 * stays, and a chat that disallows reactions (Bot API 400 REACTION_INVALID) is not asked again.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobSummary } from "../../../../lib/relay/protocol";
import { STAGE_REACTIONS } from "../../../../relay/telegram/chat-gateway";
import { groupChat, testUser } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../harness";

describe("reactions on the voice message", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function online(user: ReturnType<typeof testUser>) {
    const client = await h.clientFor(user);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(user.id) ? true : undefined), 5000, "stream open");
    const next = (id?: string) => eventually(() => jobs.find((job) => job.state === "pending" && (id === undefined || job.id === id)), 5000, "job event");
    return { client, subscription, next };
  }

  it("queued → working → done, with the text status and the transcript as before", async () => {
    const alice = testUser(4001);
    const { client, subscription, next } = await online(alice);
    const voice = h.api.sendVoice({ from: alice });
    const job = await next();
    await eventually(() => (h.api.reactionsOn(alice.id, voice.message_id).length === 1 ? true : undefined), 5000, "queued reaction");
    expect(h.api.reactionsOn(alice.id, voice.message_id)).toEqual([STAGE_REACTIONS.queued]);
    const claim = await client.claim(job.id);
    expect(h.api.reactionsOn(alice.id, voice.message_id)).toEqual([STAGE_REACTIONS.queued, STAGE_REACTIONS.working]);
    await client.postResult(job.id, claim.lease, { text: "done words", segments: [], language: "en" });
    await eventually(() => (h.api.reactionsOn(alice.id, voice.message_id).length === 3 ? true : undefined), 5000, "done reaction");
    expect(h.api.reactionsOn(alice.id, voice.message_id)).toEqual(["👀", "✍", "👌"]);
    expect(h.api.chatTexts(alice.id)).toEqual(["done words"]);
    subscription.close();
  });

  it("a release shows queued again; a failure ends with the failed reaction and the Retry text", async () => {
    const alice = testUser(4002);
    const { client, subscription, next } = await online(alice);
    const voice = h.api.sendVoice({ from: alice });
    const job = await next();
    await eventually(() => (h.api.reactionsOn(alice.id, voice.message_id).length === 1 ? true : undefined), 5000, "queued reaction");
    const first = await client.claim(job.id);
    await client.release(job.id, first.lease);
    const second = await client.claim(job.id);
    await client.postFailure(job.id, second.lease, "no microphone magic");
    await eventually(() => (h.api.reactionsOn(alice.id, voice.message_id).at(-1) === STAGE_REACTIONS.failed ? true : undefined), 5000, "failed reaction");
    expect(h.api.reactionsOn(alice.id, voice.message_id)).toEqual(["👀", "✍", "👀", "✍", "🤷"]);
    expect(h.api.chatTexts(alice.id)[0]).toMatch(/no microphone magic/);
    subscription.close();
  });

  it("a group that disallows reactions is asked once; its jobs still get the text status", async () => {
    const alice = testUser(4003);
    const group = groupChat(-100_400_3);
    h.api.disallowReactions(group.id);
    const { client, subscription, next } = await online(alice);
    h.api.sendVoice({ from: alice, chat: group, caption: `@${h.api.botInfo.username}` });
    const job = await next();
    const claim = await client.claim(job.id);
    await client.postResult(job.id, claim.lease, { text: "group words", segments: [], language: "en" });
    await h.api.waitForCall("editMessageText", (call) => call.params.text === "group words");
    h.api.sendVoice({ from: alice, chat: group, caption: `@${h.api.botInfo.username}` });
    const again = await eventually(() => jobs2(), 5000, "second job");
    expect(again).toBeDefined();
    const reactionCalls = h.api.callsTo("setMessageReaction");
    expect(reactionCalls).toHaveLength(1);
    expect(reactionCalls[0]?.status).toBe(400);
    expect(h.api.callsTo("sendMessage").filter((call) => call.params.chat_id === group.id)).toHaveLength(2);
    subscription.close();

    async function jobs2() {
      const open = await h.relay.store.listOpenJobs(alice.id);
      return open.find((candidate) => candidate.id !== job.id && candidate.state === "pending");
    }
  });
});

/**
 * Voice the bot has never seen becomes a job over real sockets: a voice note forwarded to the bot,
 * `/transcribe` in a group replying to a voice message the bot got no update for (privacy mode),
 * and `/transcribe` quoting a voice message from another chat (`external_reply`).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelayClient } from "../../../../lib/relay/client";
import type { JobSummary } from "../../../../lib/relay/protocol";
import { groupChat, testUser } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../harness";

describe("forwarded and replied-to voice", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function transcribeNext(client: RelayClient, jobs: JobSummary[], text: string): Promise<{ job: JobSummary; bytes: number }> {
    const job = await eventually(() => jobs.find((candidate) => candidate.state === "pending"), 5000, "job event");
    const claim = await client.claim(job.id);
    const audio = await client.fetchAudio(job.id, claim.lease);
    await client.postResult(job.id, claim.lease, { text, segments: [{ start: 0, end: 1, text }], language: "en" });
    return { job, bytes: audio.data.byteLength };
  }

  it("a voice note forwarded to the bot is transcribed, its audio fetched with the forward's file id", async () => {
    const alice = testUser(3001, "Alice");
    const bob = testUser(3002, "Bob");
    const client = await h.clientFor(alice);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(alice.id) ? true : undefined), 5000, "stream open");

    const forward = h.api.sendVoice({ from: alice, forwardedFrom: bob, size: 12_345, duration: 9 });
    const status = await h.api.waitForCall("sendMessage", (call) => call.params.chat_id === alice.id);
    expect(status.params.reply_parameters).toMatchObject({ message_id: forward.message_id });

    const { job, bytes } = await transcribeNext(client, jobs, "forwarded words");
    expect(job).toMatchObject({ kind: "voice", duration: 9, size: 12_345 });
    expect(bytes).toBe(12_345);
    await h.api.waitForCall("editMessageText", (call) => call.params.text === "forwarded words");
    expect(h.api.succeeded("getFile").map((call) => call.params.file_id)).toEqual([forward.voice?.file_id]);
    subscription.close();
  });

  it("/transcribe in a group, replying to a voice message the bot got no update for, makes a job for whoever asked", async () => {
    const alice = testUser(3011, "Alice");
    const carol = testUser(3012, "Carol");
    const group = groupChat(-100_300_1);
    const client = await h.clientFor(alice);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(alice.id) ? true : undefined), 5000, "stream open");

    const unseen = h.api.sendVoice({ from: carol, chat: group, size: 4000, delivered: false });
    h.api.sendText({ from: alice, chat: group, replyTo: unseen }, "/transcribe");
    const status = await h.api.waitForCall("sendMessage", (call) => call.params.chat_id === group.id);
    expect(status.params.reply_parameters).toMatchObject({ message_id: unseen.message_id });

    const { bytes } = await transcribeNext(client, jobs, "carol said this");
    expect(bytes).toBe(4000);
    await h.api.waitForCall("editMessageText", (call) => call.params.chat_id === group.id && call.params.text === "carol said this");
    const stored = await h.relay.store.findJobByMessage(group.id, unseen.message_id);
    expect(stored?.ownerId).toBe(alice.id);
    subscription.close();
  });

  it("/transcribe quoting a voice message from another chat answers the command with the transcript", async () => {
    const alice = testUser(3021, "Alice");
    const dave = testUser(3022, "Dave");
    const group = groupChat(-100_302_1);
    const client = await h.clientFor(alice);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(alice.id) ? true : undefined), 5000, "stream open");

    const command = h.api.sendText({ from: alice, chat: group, quoting: h.api.voiceElsewhere(dave, { size: 2500 }) }, "/transcribe");
    const status = await h.api.waitForCall("sendMessage", (call) => call.params.chat_id === group.id);
    expect(status.params.reply_parameters).toMatchObject({ message_id: command.message_id });

    const { bytes } = await transcribeNext(client, jobs, "from elsewhere");
    expect(bytes).toBe(2500);
    await h.api.waitForCall("editMessageText", (call) => call.params.text === "from elsewhere");
    subscription.close();
  });

  it("in a private chat, a reply quoting a voice message from another chat transcribes that one", async () => {
    const alice = testUser(3031, "Alice");
    const client = await h.clientFor(alice);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(alice.id) ? true : undefined), 5000, "stream open");

    h.api.sendText({ from: alice, quoting: h.api.voiceElsewhere(testUser(3032), { size: 1800 }) }, "what does this say?");
    const { bytes } = await transcribeNext(client, jobs, "quoted words");
    expect(bytes).toBe(1800);
    await h.api.waitForCall("editMessageText", (call) => call.params.text === "quoted words");
    subscription.close();
  });
});

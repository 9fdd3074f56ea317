/**
 * Telegram Business over real sockets: a user connects the bot to their business account; voice
 * that someone else sends them becomes a job for the user's own browser, and the heading, status
 * and transcript go to the user's private chat with the bot — never to the sender, never through
 * the business connection. Their own voice is not taken; after they disconnect, nothing is.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import type { RelayClient } from "../../../../lib/relay/client";
import type { JobSummary } from "../../../../lib/relay/protocol";
import { textsFor } from "../../../../relay/i18n/bot-texts";
import { texts } from "../../../../relay/texts";
import { testUser } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../harness";

describe("Telegram Business: voice the user receives", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function online(user: User): Promise<{ client: RelayClient; jobs: JobSummary[]; close: () => void }> {
    const client = await h.clientFor(user);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(user.id) ? true : undefined), 5000, "stream open");
    return { client, jobs, close: () => subscription.close() };
  }

  /** Every Bot API call that named the sender's chat or went through a business connection. */
  function towardsSender(sender: User) {
    return h.api.calls.filter((call) => call.params.chat_id === sender.id || call.params.business_connection_id !== undefined);
  }

  it("transcribes voice someone sends the user, privately in the user's chat with the bot", async () => {
    const alice = testUser(7001, "Alice");
    const bob = testUser(7002, "Bob");
    const { client, jobs, close } = await online(alice);
    const connection = h.api.connectBusiness(alice);
    await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.businessConnected);

    const voice = h.api.sendBusinessVoice(connection, bob, { size: 5000, duration: 6 });
    const heading = await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.businessVoiceFrom("Bob"));
    expect(heading.params.chat_id).toBe(alice.id);
    const job = await eventually(() => jobs.find((candidate) => candidate.state === "pending"), 5000, "job event");
    expect(job).toMatchObject({ kind: "voice", duration: 6, size: 5000 });
    const status = await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.statusWorking);
    expect(status.params.chat_id).toBe(alice.id);

    const claim = await client.claim(job.id);
    const audio = await client.fetchAudio(job.id, claim.lease);
    expect(audio.data.byteLength).toBe(5000);
    await client.postResult(job.id, claim.lease, { text: "see you at five", segments: [], language: "en" });
    const done = await h.api.waitForCall("editMessageText", (call) => call.params.text === "see you at five");
    expect(done.params.chat_id).toBe(alice.id);

    expect(towardsSender(bob)).toEqual([]);
    expect(h.api.succeeded("getFile").map((call) => call.params.file_id)).toEqual([voice.voice?.file_id]);
    close();
  });

  it("asks Telegram about a connection it has not seen (getBusinessConnection) and speaks the user's language", async () => {
    const olga: User = { ...testUser(7011, "Olga"), language_code: "ru" };
    // The bot missed the connect update (it was down): it learns the connection from Telegram.
    const connection = h.api.connectBusiness(olga, { notify: false });
    h.api.sendBusinessVoice(connection, testUser(7012, "Пётр"));
    const ru = textsFor("ru");
    await h.api.waitForCall("sendMessage", (call) => call.params.text === ru.businessVoiceFrom("Пётр"));
    await h.api.waitForCall("sendMessage", (call) => call.params.text === ru.statusWaiting(86_400));
    expect(h.api.callsTo("getBusinessConnection")).toHaveLength(1);
    // The job carries the account owner's language tag for the browser to prefer when detection is unsure.
    const client = await h.clientFor(olga);
    expect((await client.listJobs())[0]).toMatchObject({ ownerLanguageCode: "ru", languageHint: null });
  });

  it("makes one job of a business message Telegram delivers twice", async () => {
    const alice = testUser(7031, "Alice");
    const connection = h.api.connectBusiness(alice);
    const voice = h.api.sendBusinessVoice(connection, testUser(7032, "Dan"));
    h.api.pushUpdate({ business_message: voice });
    await eventually(async () => ((await h.relay.store.listOpenJobs(alice.id)).length === 1 ? true : undefined), 5000, "job");
    h.api.sendText({ from: alice }, "/help");
    await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.help);
    expect(await h.relay.store.listOpenJobs(alice.id)).toHaveLength(1);
    expect(h.api.callsTo("sendMessage").filter((call) => call.params.text === texts.businessVoiceFrom("Dan"))).toHaveLength(1);
  });

  it("takes none of the user's own voice, and nothing after they disconnect", async () => {
    const alice = testUser(7021, "Alice");
    const carol = testUser(7022, "Carol");
    const connection = h.api.connectBusiness(alice);
    await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.businessConnected);
    h.api.sendBusinessVoice(connection, alice);
    h.api.connectBusiness(alice, { id: connection, enabled: false });
    await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.businessDisconnected);
    h.api.sendBusinessVoice(connection, carol);
    h.api.sendText({ from: alice }, "/help");
    await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.help);
    expect(await h.relay.store.listOpenJobs(alice.id)).toEqual([]);
    expect(towardsSender(carol)).toEqual([]);
  });
});

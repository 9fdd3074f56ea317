import type { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionHub } from "../../../../relay/events/session-hub";
import type { JobService } from "../../../../relay/jobs/job-service";
import type { SessionService } from "../../../../relay/sessions/session-service";
import { type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { command, createBotHarness, finishedJob, message, update, user, voice, type Call, type UserChat } from "./bot-harness";

describe("the bot's media handlers", () => {
  const alice = user(42);
  const aliceChat: UserChat = { id: 42, type: "private", first_name: "U42" };
  const group: UserChat = { id: -100777, type: "supergroup", title: "G" };
  let store: SqliteStore;
  let hub: SessionHub;
  let jobs: JobService;
  let sessions: SessionService;
  let bot: Bot;
  let calls: Call[];
  let uploads: string[];
  const admins = new Set<string>();

  beforeEach(() => {
    admins.clear();
    ({ store, hub, jobs, sessions, bot, calls, uploads } = createBotHarness(admins));
  });
  afterEach(async () => {
    await store.close();
  });

  const sent = (method = "sendMessage") => calls.filter((call) => call.method === method);
  const lastText = () => sent().at(-1)?.payload.text;

  it("a voice message with no session online gets an 'open the app' status with the button, as a reply", async () => {
    const msg = voice(alice, aliceChat);
    await bot.handleUpdate(update(msg));
    const status = sent()[0];
    expect(status?.payload.text).toBe(texts.statusWaiting(3600));
    expect(status?.payload.reply_parameters).toMatchObject({ message_id: msg.message_id });
    expect(status?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.openApp, web_app: { url: "https://app.example.org" } }]] });
    const open = await store.listOpenJobs(alice.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ state: "pending", statusKind: "waiting", statusMessageId: 501, media: { kind: "voice", size: 1000 } });
  });

  it("says 'transcribing on your device' when a session is online", async () => {
    hub.add(alice.id, { sessionId: "s", deliver: () => undefined, close: () => undefined });
    await bot.handleUpdate(update(voice(alice, aliceChat)));
    expect(lastText()).toBe(texts.statusWorking);
  });

  it("the same update twice makes one job and no second reply", async () => {
    const u = update(voice(alice, aliceChat));
    await bot.handleUpdate(u);
    await bot.handleUpdate(u);
    expect(sent()).toHaveLength(1);
    expect(await store.countOpenJobs()).toBe(1);
  });

  it("refuses files over the download limit without calling getFile", async () => {
    await bot.handleUpdate(update(voice(alice, aliceChat, 25 * 1024 * 1024)));
    expect(lastText()).toBe(texts.tooLarge(25 * 1024 * 1024, 20 * 1024 * 1024));
    expect(calls.some((call) => call.method === "getFile")).toBe(false);
    expect(await store.countOpenJobs()).toBe(0);
  });

  it("answers unsupported media clearly", async () => {
    await bot.handleUpdate(update(message(alice, aliceChat, { photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] })));
    expect(lastText()).toBe(texts.unsupported("photo"));
  });

  it("accepts audio, video notes and audio documents", async () => {
    await bot.handleUpdate(update(message(alice, aliceChat, { audio: { file_id: "a", file_unique_id: "a", duration: 3, mime_type: "audio/mpeg" } })));
    await bot.handleUpdate(update(message(alice, aliceChat, { video_note: { file_id: "v", file_unique_id: "v", duration: 3, length: 240 } })));
    await bot.handleUpdate(update(message(alice, aliceChat, { document: { file_id: "d", file_unique_id: "d", file_name: "memo.m4a" } })));
    const kinds = (await store.listOpenJobs(alice.id)).map((job) => job.media.kind);
    expect(kinds).toEqual(["audio", "video_note", "document"]);
  });

  it("limits jobs per user", async () => {
    for (let i = 0; i < 4; i += 1) await bot.handleUpdate(update(voice(alice, aliceChat)));
    expect(await store.countOpenJobs()).toBe(3);
    expect(lastText()).toMatch(/That's a lot of audio at once/);
  });

  describe("in groups", () => {
  it("ignores voice messages unless asked", async () => {
      await bot.handleUpdate(update(voice(alice, group)));
      expect(calls).toHaveLength(0);
    });

  it("transcribes when mentioned in the caption", async () => {
      const msg = voice(alice, group, 1000, { caption: "@whisper_test_bot please", caption_entities: [{ type: "mention", offset: 0, length: 17 }] });
      await bot.handleUpdate(update(msg));
      expect(lastText()).toMatch(/open the app/i);
      expect(sent()[0]?.payload.reply_parameters).toMatchObject({ message_id: msg.message_id });
      // In groups the button is a plain link: web_app buttons only work in private chats.
      expect(sent()[0]?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.openApp, url: "https://app.example.org" }]] });
    });

  it("transcribes the replied-to voice message on a mention or /transcribe", async () => {
      const bob = user(7);
      const original = voice(bob, group);
      await bot.handleUpdate(update(message(alice, group, { text: "@whisper_test_bot", entities: [{ type: "mention", offset: 0, length: 17 }], reply_to_message: { ...original, reply_to_message: undefined } })));
      const job = (await store.listOpenJobs(alice.id))[0];
      expect(job).toMatchObject({ ownerId: alice.id, sourceMessageId: original.message_id });
      await bot.handleUpdate(update(command(bob, group, "/transcribe", original)));
      expect(lastText()).toBe(texts.alreadyQueued);
    });
  });

  describe("after a transcript", () => {
  it("edits the status message into the transcript with an SRT button", async () => {
      const { job } = await finishedJob({ store, hub, jobs, sessions, bot, calls, uploads }, alice, aliceChat);
      const edit = sent("editMessageText").at(-1);
      expect(edit?.payload).toMatchObject({ chat_id: alice.id, message_id: job.statusMessageId, text: "hello there" });
      expect(edit?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.srtButton, callback_data: `srt:${job.id}` }]] });
    });
  });
});

import { describe, expect, it } from "vitest";
import { texts } from "../../../../relay/texts";
import { command, finishedJob, message, update, user, voice, type UserChat, useBotHarness } from "./bot-harness";

describe("the bot's media handlers", () => {
  const alice = user(42);
  const aliceChat: UserChat = { id: 42, type: "private", first_name: "U42" };
  const group: UserChat = { id: -100777, type: "supergroup", title: "G" };
  const h = useBotHarness();

  it("a voice message with no session online gets an 'open the app' status with the button, as a reply", async () => {
    const msg = voice(alice, aliceChat);
    await h.bot.handleUpdate(update(msg));
    const status = h.sent()[0];
    expect(status?.payload.text).toBe(texts.statusWaiting(3600));
    expect(status?.payload.reply_parameters).toMatchObject({ message_id: msg.message_id });
    expect(status?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.openApp, web_app: { url: "https://app.example.org" } }]] });
    const open = await h.store.listOpenJobs(alice.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ state: "pending", statusKind: "waiting", statusMessageId: 501, media: { kind: "voice", size: 1000 } });
  });

  it("says 'transcribing on your device' when a session is online", async () => {
    h.hub.add(alice.id, { sessionId: "s", deliver: () => undefined, close: () => undefined });
    await h.bot.handleUpdate(update(voice(alice, aliceChat)));
    expect(h.lastText()).toBe(texts.statusWorking);
  });

  it("the same update twice makes one job and no second reply", async () => {
    const u = update(voice(alice, aliceChat));
    await h.bot.handleUpdate(u);
    await h.bot.handleUpdate(u);
    expect(h.sent()).toHaveLength(1);
    expect(await h.store.countOpenJobs()).toBe(1);
  });

  it("refuses files over the download limit without calling getFile", async () => {
    await h.bot.handleUpdate(update(voice(alice, aliceChat, 25 * 1024 * 1024)));
    expect(h.lastText()).toBe(texts.tooLarge(25 * 1024 * 1024, 20 * 1024 * 1024));
    expect(h.calls.some((call) => call.method === "getFile")).toBe(false);
    expect(await h.store.countOpenJobs()).toBe(0);
  });

  it("answers unsupported media clearly", async () => {
    await h.bot.handleUpdate(update(message(alice, aliceChat, { photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] })));
    expect(h.lastText()).toBe(texts.unsupported("photo"));
  });

  it("accepts audio, video notes and audio documents", async () => {
    await h.bot.handleUpdate(update(message(alice, aliceChat, { audio: { file_id: "a", file_unique_id: "a", duration: 3, mime_type: "audio/mpeg" } })));
    await h.bot.handleUpdate(update(message(alice, aliceChat, { video_note: { file_id: "v", file_unique_id: "v", duration: 3, length: 240 } })));
    await h.bot.handleUpdate(update(message(alice, aliceChat, { document: { file_id: "d", file_unique_id: "d", file_name: "memo.m4a" } })));
    const kinds = (await h.store.listOpenJobs(alice.id)).map((job) => job.media.kind);
    expect(kinds).toEqual(["audio", "video_note", "document"]);
  });

  it("limits jobs per user", async () => {
    for (let i = 0; i < 4; i += 1) await h.bot.handleUpdate(update(voice(alice, aliceChat)));
    expect(await h.store.countOpenJobs()).toBe(3);
    expect(h.lastText()).toMatch(/That's a lot of audio at once/);
  });

  describe("in groups", () => {
  it("ignores voice messages unless asked", async () => {
      await h.bot.handleUpdate(update(voice(alice, group)));
      expect(h.calls).toHaveLength(0);
    });

  it("transcribes when mentioned in the caption", async () => {
      const msg = voice(alice, group, 1000, { caption: "@whisper_test_bot please", caption_entities: [{ type: "mention", offset: 0, length: 17 }] });
      await h.bot.handleUpdate(update(msg));
      expect(h.lastText()).toMatch(/open the app/i);
      expect(h.sent()[0]?.payload.reply_parameters).toMatchObject({ message_id: msg.message_id });
      // In groups the button is a plain link: web_app buttons only work in private chats.
      expect(h.sent()[0]?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.openApp, url: "https://app.example.org" }]] });
    });

  it("transcribes the replied-to voice message on a mention or /transcribe", async () => {
      const bob = user(7);
      const original = voice(bob, group);
      await h.bot.handleUpdate(update(message(alice, group, { text: "@whisper_test_bot", entities: [{ type: "mention", offset: 0, length: 17 }], reply_to_message: { ...original, reply_to_message: undefined } })));
      const job = (await h.store.listOpenJobs(alice.id))[0];
      expect(job).toMatchObject({ ownerId: alice.id, sourceMessageId: original.message_id });
      await h.bot.handleUpdate(update(command(bob, group, "/transcribe", original)));
      expect(h.lastText()).toBe(texts.alreadyQueued);
    });
  });

  describe("after a transcript", () => {
  it("edits the status message into the transcript with an SRT button", async () => {
      const { job } = await finishedJob(h, alice, aliceChat);
      const edit = h.sent("editMessageText").at(-1);
      expect(edit?.payload).toMatchObject({ chat_id: alice.id, message_id: job.statusMessageId, text: "hello there" });
      expect(edit?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.srtButton, callback_data: `srt:${job.id}` }]] });
    });
  });
});

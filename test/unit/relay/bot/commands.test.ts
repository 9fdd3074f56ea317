import { describe, expect, it } from "vitest";
import { texts } from "../../../../relay/texts";
import { command, finishedJob, message, update, user, voice, type UserChat, useBotHarness } from "./bot-harness";

describe("the bot's commands", () => {
  const alice = user(42);
  const aliceChat: UserChat = { id: 42, type: "private", first_name: "U42" };
  const group: UserChat = { id: -100777, type: "supergroup", title: "G" };
  const h = useBotHarness();

  it("/start explains itself and offers a Mini App button", async () => {
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/start")));
    const reply = h.sent()[0];
    expect(reply?.payload.text).toBe(texts.start);
    expect(reply?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.openApp, web_app: { url: "https://app.example.org" } }]] });
  });

  it("/help lists the commands", async () => {
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/help")));
    expect(h.lastText()).toContain("/link");
  });

  it("/link gives a one-time code in private chats that links a session once", async () => {
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/link")));
    const text = String(h.lastText());
    const code = /Your code: (\S+)/.exec(text)?.[1];
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const linked = await h.sessions.linkWithCode(String(code).toLowerCase());
    expect(linked.user).toMatchObject({ id: alice.id, username: "u42" });
    await expect(h.sessions.linkWithCode(String(code))).rejects.toThrow(/unknown, used or expired/);
  });

  it("/link in a group refuses to post a code", async () => {
    await h.bot.handleUpdate(update(command(alice, group, "/link")));
    expect(h.lastText()).toBe(texts.linkOnlyPrivate);
  });

  it("/unlink signs out every session of the user", async () => {
    await h.sessions.linkWithCode(await h.sessions.createLinkCode({ id: alice.id, firstName: "A", lastName: null, username: null, languageCode: null }));
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/unlink")));
    expect(h.lastText()).toBe(texts.unlinked(1));
  });

  it("/lang sets, shows, validates and clears the chat's language hint", async () => {
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/lang DE")));
    expect(h.lastText()).toBe(texts.langSet("de"));
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/lang")));
    expect(h.lastText()).toBe(texts.langCurrent("de"));
    await h.bot.handleUpdate(update(voice(alice, aliceChat)));
    expect((await h.store.listOpenJobs(alice.id))[0]?.languageHint).toBe("de");
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/lang xx")));
    expect(h.lastText()).toBe(texts.langInvalid("xx"));
    await h.bot.handleUpdate(update(command(alice, aliceChat, "/lang auto")));
    expect(h.lastText()).toBe(texts.langSet(null));
  });

  describe("in groups", () => {
  it("/transcribe without a reply explains how", async () => {
      await h.bot.handleUpdate(update(command(alice, group, "/transcribe")));
      expect(h.lastText()).toBe(texts.replyToVoice);
    });

  it("/auto is for admins (checked with getChatMember) and turns on automatic mode", async () => {
      await h.bot.handleUpdate(update(command(alice, group, "/auto on")));
      expect(h.calls.some((call) => call.method === "getChatMember" && call.payload.user_id === alice.id)).toBe(true);
      expect(h.lastText()).toBe(texts.adminsOnly);
      h.admins.add(`${group.id}:${alice.id}`);
      await h.bot.handleUpdate(update(command(alice, group, "/auto on")));
      expect(h.lastText()).toBe(texts.autoSet(true));
      const bob = user(8);
      await h.bot.handleUpdate(update(voice(bob, group)));
      expect((await h.store.listOpenJobs(bob.id))).toHaveLength(1);
    });
  });

  describe("after a transcript", () => {
  it("/srt as a reply sends the subtitles as a document", async () => {
      const { msg } = await finishedJob(h, alice, aliceChat);
      await h.bot.handleUpdate(update(command(alice, aliceChat, "/srt", msg)));
      expect(h.sent("sendDocument")).toHaveLength(1);
      expect(h.uploads.at(-1)).toContain("1\n00:00:00,000 --> 00:00:01,500\nhello there");
      expect(h.uploads.at(-1)).toMatch(/filename=transcript-\d+\.srt/);
    });

  it("/srt on an unrelated message explains", async () => {
      const other = message(alice, aliceChat, { text: "hi" });
      await h.bot.handleUpdate(update(command(alice, aliceChat, "/srt", other)));
      expect(h.lastText()).toBe(texts.replyToTranscript);
    });
  });
});

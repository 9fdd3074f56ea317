import type { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionHub } from "../../../../relay/events/session-hub";
import type { JobService } from "../../../../relay/jobs/job-service";
import type { SessionService } from "../../../../relay/sessions/session-service";
import { type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { command, createBotHarness, finishedJob, message, update, user, voice, type Call, type UserChat } from "./bot-harness";

describe("the bot's commands", () => {
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

  it("/start explains itself and offers a Mini App button", async () => {
    await bot.handleUpdate(update(command(alice, aliceChat, "/start")));
    const reply = sent()[0];
    expect(reply?.payload.text).toBe(texts.start);
    expect(reply?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.openApp, web_app: { url: "https://app.example.org" } }]] });
  });

  it("/help lists the commands", async () => {
    await bot.handleUpdate(update(command(alice, aliceChat, "/help")));
    expect(lastText()).toContain("/link");
  });

  it("/link gives a one-time code in private chats that links a session once", async () => {
    await bot.handleUpdate(update(command(alice, aliceChat, "/link")));
    const text = String(lastText());
    const code = /Your code: (\S+)/.exec(text)?.[1];
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const linked = await sessions.linkWithCode(String(code).toLowerCase());
    expect(linked.user).toMatchObject({ id: alice.id, username: "u42" });
    await expect(sessions.linkWithCode(String(code))).rejects.toThrow(/unknown, used or expired/);
  });

  it("/link in a group refuses to post a code", async () => {
    await bot.handleUpdate(update(command(alice, group, "/link")));
    expect(lastText()).toBe(texts.linkOnlyPrivate);
  });

  it("/unlink signs out every session of the user", async () => {
    await sessions.linkWithCode(await sessions.createLinkCode({ id: alice.id, firstName: "A", lastName: null, username: null, languageCode: null }));
    await bot.handleUpdate(update(command(alice, aliceChat, "/unlink")));
    expect(lastText()).toBe(texts.unlinked(1));
  });

  it("/lang sets, shows, validates and clears the chat's language hint", async () => {
    await bot.handleUpdate(update(command(alice, aliceChat, "/lang DE")));
    expect(lastText()).toBe(texts.langSet("de"));
    await bot.handleUpdate(update(command(alice, aliceChat, "/lang")));
    expect(lastText()).toBe(texts.langCurrent("de"));
    await bot.handleUpdate(update(voice(alice, aliceChat)));
    expect((await store.listOpenJobs(alice.id))[0]?.languageHint).toBe("de");
    await bot.handleUpdate(update(command(alice, aliceChat, "/lang xx")));
    expect(lastText()).toBe(texts.langInvalid("xx"));
    await bot.handleUpdate(update(command(alice, aliceChat, "/lang auto")));
    expect(lastText()).toBe(texts.langSet(null));
  });

  describe("in groups", () => {
  it("/transcribe without a reply explains how", async () => {
      await bot.handleUpdate(update(command(alice, group, "/transcribe")));
      expect(lastText()).toBe(texts.replyToVoice);
    });

  it("/auto is for admins (checked with getChatMember) and turns on automatic mode", async () => {
      await bot.handleUpdate(update(command(alice, group, "/auto on")));
      expect(calls.some((call) => call.method === "getChatMember" && call.payload.user_id === alice.id)).toBe(true);
      expect(lastText()).toBe(texts.adminsOnly);
      admins.add(`${group.id}:${alice.id}`);
      await bot.handleUpdate(update(command(alice, group, "/auto on")));
      expect(lastText()).toBe(texts.autoSet(true));
      const bob = user(8);
      await bot.handleUpdate(update(voice(bob, group)));
      expect((await store.listOpenJobs(bob.id))).toHaveLength(1);
    });
  });

  describe("after a transcript", () => {
  it("/srt as a reply sends the subtitles as a document", async () => {
      const { msg } = await finishedJob({ store, hub, jobs, sessions, bot, calls, uploads }, alice, aliceChat);
      await bot.handleUpdate(update(command(alice, aliceChat, "/srt", msg)));
      expect(sent("sendDocument")).toHaveLength(1);
      expect(uploads.at(-1)).toContain("1\n00:00:00,000 --> 00:00:01,500\nhello there");
      expect(uploads.at(-1)).toMatch(/filename=transcript-\d+\.srt/);
    });

  it("/srt on an unrelated message explains", async () => {
      const other = message(alice, aliceChat, { text: "hi" });
      await bot.handleUpdate(update(command(alice, aliceChat, "/srt", other)));
      expect(lastText()).toBe(texts.replyToTranscript);
    });
  });
});

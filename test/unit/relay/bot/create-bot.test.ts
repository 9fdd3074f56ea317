import { Bot, BotError } from "grammy";
import type { Chat, Message, Update, User } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerBotHandlers } from "../../../../relay/bot/create-bot";
import { ChatSettingsService } from "../../../../relay/chats/chat-settings-service";
import { LocalEventBus } from "../../../../relay/events/event-bus";
import { EventFeed } from "../../../../relay/events/event-feed";
import { LocalPresence } from "../../../../relay/events/presence";
import { SessionHub } from "../../../../relay/events/session-hub";
import { JobService } from "../../../../relay/jobs/job-service";
import { SessionService } from "../../../../relay/sessions/session-service";
import { openSqliteStore, type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { createTelegramGateway } from "../../../../relay/telegram/chat-gateway";
import { texts } from "../../../../relay/texts";
import { FAKE_BOT_INFO, FAKE_TOKEN } from "../../../support/fake-bot-api";

type UserChat = Exclude<Chat, Chat.ChannelChat>;
type UserMessage = NonNullable<Update["message"]>;

interface Call {
  readonly method: string;
  readonly payload: Record<string, unknown>;
}

const ROOT = "http://telegram.invalid";

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/**
 * A bot whose API calls are captured by a transformer and answered in memory by a stand-in
 * `fetch` (no network). Uploads (multipart bodies) are kept as text in `uploads`.
 */
function makeBot(admins: Set<string>) {
  const calls: Call[] = [];
  const uploads: string[] = [];
  let nextMessageId = 500;
  const answer = (method: string, params: Record<string, unknown>): unknown => {
    const chatId = typeof params.chat_id === "number" ? params.chat_id : 0;
    switch (method) {
      case "sendMessage":
      case "sendDocument":
      case "editMessageText":
        return {
          message_id: typeof params.message_id === "number" ? params.message_id : (nextMessageId += 1),
          date: 0,
          chat: chatId > 0 ? { id: chatId, type: "private", first_name: "U" } : { id: chatId, type: "supergroup", title: "G" },
          ...(typeof params.text === "string" ? { text: params.text } : {}),
        };
      case "getChatMember":
        return { status: admins.has(`${chatId}:${String(params.user_id)}`) ? "administrator" : "member", user: { id: params.user_id, is_bot: false, first_name: "U" } };
      default:
        return true;
    }
  };
  const bot = new Bot(FAKE_TOKEN, {
    botInfo: FAKE_BOT_INFO,
    client: {
      apiRoot: ROOT,
      fetch: async (url: string, init: { body?: unknown }) => {
        const method = new URL(url).pathname.split("/").pop() ?? "";
        let params: Record<string, unknown> = {};
        if (typeof init.body === "string") {
          const parsed: unknown = JSON.parse(init.body);
          if (typeof parsed === "object" && parsed !== null) params = Object.fromEntries(Object.entries(parsed));
        } else if (isAsyncIterable(init.body)) {
          const chunks: Buffer[] = [];
          for await (const chunk of init.body) if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
          uploads.push(Buffer.concat(chunks).toString("utf8"));
        }
        return new Response(JSON.stringify({ ok: true, result: answer(method, params) }), { headers: { "content-type": "application/json" } });
      },
    },
  });
  bot.api.config.use(async (prev, method, payload, signal) => {
    calls.push({ method, payload: { ...payload } });
    return prev(method, payload, signal);
  });
  return { bot, calls, uploads };
}

function user(id: number): User {
  return { id, is_bot: false, first_name: `U${id}`, username: `u${id}` };
}

let updateId = 1;
let messageId = 1;

function message(from: User, chat: UserChat, extra: Partial<Omit<Message, "chat">> = {}): UserMessage {
  messageId += 1;
  return { message_id: messageId, date: 0, from, ...extra, chat };
}

function update(msg: UserMessage): Update {
  updateId += 1;
  return { update_id: updateId, message: msg };
}

function command(from: User, chat: UserChat, text: string, replyTo?: Message): UserMessage {
  const name = /^\/\S+/.exec(text)?.[0] ?? text;
  return message(from, chat, {
    text,
    entities: [{ type: "bot_command", offset: 0, length: name.length }],
    ...(replyTo === undefined ? {} : { reply_to_message: { ...replyTo, reply_to_message: undefined } }),
  });
}

function voice(from: User, chat: UserChat, size = 1000, extra: Partial<Omit<Message, "chat">> = {}): UserMessage {
  return message(from, chat, { voice: { file_id: `f${messageId}`, file_unique_id: `u${messageId}`, duration: 4, mime_type: "audio/ogg", file_size: size }, ...extra });
}

describe("the bot", () => {
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
    store = openSqliteStore(":memory:");
    hub = new SessionHub();
    const made = makeBot(admins);
    bot = made.bot;
    calls = made.calls;
    uploads = made.uploads;
    jobs = new JobService({
      store,
      feed: new EventFeed(new LocalEventBus(store, hub), Date.now),
      presence: new LocalPresence(hub),
      gateway: createTelegramGateway(bot.api, ROOT, FAKE_TOKEN),
      publicUrl: "https://app.example.org",
      leaseSeconds: 60,
      jobExpirySeconds: 3600,
      jobsPerMinute: 3,
    });
    sessions = new SessionService({ store, bus: new LocalEventBus(store, hub), botToken: FAKE_TOKEN, initDataMaxAgeSeconds: 3600 });
    registerBotHandlers(bot, { jobs, sessions, chatSettings: new ChatSettingsService(store), maxFileBytes: 20 * 1024 * 1024 });
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
    expect(lastText()).toBe(texts.unsupported("photos"));
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
    it("ignores voice messages unless asked", async () => {
      await bot.handleUpdate(update(voice(alice, group)));
      expect(calls).toHaveLength(0);
    });

    it("transcribes when mentioned in the caption", async () => {
      const msg = voice(alice, group, 1000, { caption: "@whisper_test_bot please", caption_entities: [{ type: "mention", offset: 0, length: 17 }] });
      await bot.handleUpdate(update(msg));
      expect(lastText()).toMatch(/Open the app/);
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
    async function finishedJob() {
      const msg = voice(alice, aliceChat);
      await bot.handleUpdate(update(msg));
      const job = (await store.listOpenJobs(alice.id))[0];
      if (job === undefined) throw new Error("no job");
      const claim = await jobs.claim({ userId: alice.id, sessionId: "s1" }, job.id);
      await jobs.finish({ userId: alice.id, sessionId: "s1" }, job.id, claim.lease, {
        kind: "done",
        result: { text: "hello there", segments: [{ start: 0, end: 1.5, text: "hello there" }], language: "en" },
      });
      return { msg, job };
    }

    it("edits the status message into the transcript with an SRT button", async () => {
      const { job } = await finishedJob();
      const edit = sent("editMessageText").at(-1);
      expect(edit?.payload).toMatchObject({ chat_id: alice.id, message_id: job.statusMessageId, text: "hello there" });
      expect(edit?.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: texts.srtButton, callback_data: `srt:${job.id}` }]] });
    });

    it("/srt as a reply sends the subtitles as a document", async () => {
      const { msg } = await finishedJob();
      await bot.handleUpdate(update(command(alice, aliceChat, "/srt", msg)));
      expect(sent("sendDocument")).toHaveLength(1);
      expect(uploads.at(-1)).toContain("1\n00:00:00,000 --> 00:00:01,500\nhello there");
      expect(uploads.at(-1)).toMatch(/filename=transcript-\d+\.srt/);
    });

    it("the SRT button sends the document and answers the callback", async () => {
      const { job } = await finishedJob();
      await bot.handleUpdate({
        update_id: (updateId += 1),
        callback_query: { id: "cb1", from: alice, chat_instance: "c", data: `srt:${job.id}`, message: message(user(FAKE_BOT_INFO.id), aliceChat, { text: "hello there" }) },
      });
      expect(sent("answerCallbackQuery")).toHaveLength(1);
      expect(sent("sendDocument")).toHaveLength(1);
    });

    it("/srt on an unrelated message explains", async () => {
      const other = message(alice, aliceChat, { text: "hi" });
      await bot.handleUpdate(update(command(alice, aliceChat, "/srt", other)));
      expect(lastText()).toBe(texts.replyToTranscript);
    });
  });

  it("Retry requeues a failed job for its owner only", async () => {
    await bot.handleUpdate(update(voice(alice, aliceChat)));
    const job = (await store.listOpenJobs(alice.id))[0];
    if (job === undefined) throw new Error("no job");
    const claim = await jobs.claim({ userId: alice.id, sessionId: "s1" }, job.id);
    await jobs.finish({ userId: alice.id, sessionId: "s1" }, job.id, claim.lease, { kind: "failed", message: "out of memory" });
    expect(sent("editMessageText").at(-1)?.payload.text).toBe(texts.failed("out of memory"));
    const press = (from: User) =>
      bot.handleUpdate({
        update_id: (updateId += 1),
        callback_query: { id: `cb${updateId}`, from, chat_instance: "c", data: `retry:${job.id}`, message: message(user(FAKE_BOT_INFO.id), aliceChat, { text: "x" }) },
      });
    await press(user(99));
    expect(sent("answerCallbackQuery").at(-1)?.payload.text).toBe(texts.notYours);
    await press(alice);
    expect(sent("answerCallbackQuery").at(-1)?.payload.text).toBe(texts.requeued);
    expect((await store.getJob(job.id))?.state).toBe("pending");
  });

  it("wraps handler errors in BotError for the installed bot.catch handler, which does not rethrow", async () => {
    await store.close();
    const failure = await bot.handleUpdate(update(voice(alice, aliceChat))).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BotError);
    if (failure instanceof BotError) expect(() => bot.errorHandler(failure)).not.toThrow();
    store = openSqliteStore(":memory:");
  });
});

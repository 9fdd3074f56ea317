/**
 * The bot of the bot tests, on an in-memory SQLite store with the real services, and the
 * builders of the Telegram updates they send it. Shared by the tests of each Composer.
 */
import { Bot } from "grammy";
import { afterEach, beforeEach } from "vitest";
import type { Chat, Message, Update, User } from "grammy/types";
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
import { FAKE_BOT_INFO, FAKE_TOKEN } from "../../../support/fake-bot-api";


export type UserChat = Exclude<Chat, Chat.ChannelChat>;
export type UserMessage = NonNullable<Update["message"]>;

export interface Call {
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

export function user(id: number): User {
  return { id, is_bot: false, first_name: `U${id}`, username: `u${id}` };
}

let updateId = 1;
let messageId = 1;

export function message(from: User, chat: UserChat, extra: Partial<Omit<Message, "chat">> = {}): UserMessage {
  messageId += 1;
  return { message_id: messageId, date: 0, from, ...extra, chat };
}

export function update(msg: UserMessage): Update {
  updateId += 1;
  return { update_id: updateId, message: msg };
}

export function command(from: User, chat: UserChat, text: string, replyTo?: Message): UserMessage {
  const name = /^\/\S+/.exec(text)?.[0] ?? text;
  return message(from, chat, {
    text,
    entities: [{ type: "bot_command", offset: 0, length: name.length }],
    ...(replyTo === undefined ? {} : { reply_to_message: { ...replyTo, reply_to_message: undefined } }),
  });
}

export function voice(from: User, chat: UserChat, size = 1000, extra: Partial<Omit<Message, "chat">> = {}): UserMessage {
  return message(from, chat, { voice: { file_id: `f${messageId}`, file_unique_id: `u${messageId}`, duration: 4, mime_type: "audio/ogg", file_size: size }, ...extra });
}

/** The next update id, for updates built by hand (callback queries). */
export function nextUpdateId(): number {
  updateId += 1;
  return updateId;
}

/** Everything a bot test uses; a fresh one per test. */
export interface BotHarness {
  readonly store: SqliteStore;
  readonly hub: SessionHub;
  readonly jobs: JobService;
  readonly sessions: SessionService;
  readonly bot: Bot;
  readonly calls: Call[];
  readonly uploads: string[];
}

/** A bot with every handler installed; `admins` holds `chat:user` pairs getChatMember calls admins. */
export function createBotHarness(admins: Set<string>): BotHarness {
  const store = openSqliteStore(":memory:");
  const hub = new SessionHub();
  const { bot, calls, uploads } = makeBot(admins);
  const jobs = new JobService({
    store,
    feed: new EventFeed(new LocalEventBus(store, hub), Date.now),
    presence: new LocalPresence(hub),
    gateway: createTelegramGateway(bot.api, ROOT, FAKE_TOKEN),
    publicUrl: "https://app.example.org",
    leaseSeconds: 60,
    jobExpirySeconds: 3600,
    jobsPerMinute: 3,
  });
  const sessions = new SessionService({ store, bus: new LocalEventBus(store, hub), botToken: FAKE_TOKEN, initDataMaxAgeSeconds: 3600 });
  registerBotHandlers(bot, { jobs, sessions, chatSettings: new ChatSettingsService(store), maxFileBytes: 20 * 1024 * 1024 });
  return { store, hub, jobs, sessions, bot, calls, uploads };
}

/** A voice message of `alice` in her private chat, transcribed as "hello there" (with one segment). */
export async function finishedJob(h: BotHarness, alice: User, aliceChat: UserChat) {
  const { bot, store, jobs } = h;
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

/** What {@link useBotHarness} gives a test file: the current test's harness, its admins, and the sent calls. */
export interface BotHarnessFixture extends BotHarness {
  readonly admins: Set<string>;
  /** The calls of one Bot API method (sendMessage by default), in order. */
  sent(method?: string): Call[];
  /** The text of the last message sent. */
  lastText(): unknown;
}

/**
 * Registers, for every test of the calling `describe`, a fresh {@link createBotHarness} (its store
 * closed afterwards, admins cleared before); the returned object always reads the current test's.
 */
export function useBotHarness(): BotHarnessFixture {
  const admins = new Set<string>();
  let harness: BotHarness | null = null;
  beforeEach(() => {
    admins.clear();
    harness = createBotHarness(admins);
  });
  afterEach(async () => {
    await harness?.store.close();
    harness = null;
  });
  const current = (): BotHarness => {
    if (harness === null) throw new Error("the bot harness exists only inside a test");
    return harness;
  };
  const sent = (method = "sendMessage"): Call[] => current().calls.filter((call) => call.method === method);
  return {
    admins,
    get store() {
      return current().store;
    },
    get hub() {
      return current().hub;
    },
    get jobs() {
      return current().jobs;
    },
    get sessions() {
      return current().sessions;
    },
    get bot() {
      return current().bot;
    },
    get calls() {
      return current().calls;
    },
    get uploads() {
      return current().uploads;
    },
    sent,
    lastText: () => sent().at(-1)?.payload.text,
  };
}

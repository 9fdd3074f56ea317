/**
 * The Telegram bot: commands, media handling in private chats and groups, and the buttons under
 * its messages. It is the relay's Telegram edge: handlers read Telegram updates, map messages with
 * `messageToJobInput`, and call the job and session services, which never see Telegram types.
 *
 * Tests build it with `botInfo` (no `getMe`), an API transformer that records calls, and
 * `bot.handleUpdate(update)`.
 */
import { Bot, InputFile, type Context } from "grammy";
import type { Message, UserFromGetMe } from "grammy/types";
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import { CALLBACK, type JobService } from "../jobs/job-service";
import { LINK_CODE_TTL_SECONDS, type SessionService } from "../sessions/session-service";
import type { RelayStore } from "../ports/relay-store";
import { toInlineButton } from "../telegram/chat-gateway";
import { messageToJobInput } from "../telegram/message-to-job";
import { toRelayUser } from "../telegram/to-relay-user";
import { texts } from "../texts";
import { whisperLanguageCode } from "../../lib/languages";

const log = createLogger("relay:bot");

/** A message that may be the target of `/transcribe` or a mention (a reply's target has no reply of its own). */
type TargetMessage = Omit<Message, "reply_to_message">;

/** What the bot's handlers need. */
export interface BotServices {
  readonly jobs: JobService;
  readonly sessions: SessionService;
  readonly store: RelayStore;
  readonly maxFileBytes: number;
}

/** Creates the grammY bot object; with `botInfo` it needs no `getMe` (tests). */
export function createBot(token: string, apiRoot: string, botInfo?: UserFromGetMe): Bot {
  return new Bot(token, { client: { apiRoot }, ...(botInfo === undefined ? {} : { botInfo }) });
}

/** The commands shown in Telegram's menu. */
export const BOT_COMMANDS: ReadonlyArray<{ command: string; description: string }> = [
  { command: "start", description: "What I do, and the app button" },
  { command: "help", description: "How to use me" },
  { command: "link", description: "A code to connect a browser outside Telegram" },
  { command: "unlink", description: "Sign out every connected browser" },
  { command: "lang", description: "Language hint for this chat" },
  { command: "srt", description: "Reply to a transcribed message: subtitles file" },
  { command: "transcribe", description: "Reply to a voice message (groups)" },
  { command: "auto", description: "Groups: transcribe every voice message (on/off)" },
];

function isPrivate(ctx: Context): boolean {
  return ctx.chat?.type === "private";
}

function mentionsBot(message: TargetMessage, bot: UserFromGetMe): boolean {
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const handle = `@${bot.username}`.toLowerCase();
  return entities.some((entity) => {
    if (entity.type === "mention") return text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === handle;
    if (entity.type === "text_mention") return entity.user.id === bot.id;
    return false;
  });
}

async function isGroupAdmin(ctx: Context): Promise<boolean> {
  const chat = ctx.chat;
  const message = ctx.message;
  if (chat === undefined) return false;
  // Anonymous admins post as the group itself.
  if (message?.sender_chat?.id === chat.id) return true;
  const from = ctx.from;
  if (from === undefined) return false;
  const member = await ctx.api.getChatMember(chat.id, from.id);
  return member.status === "creator" || member.status === "administrator";
}

function replyTo(messageId: number) {
  return { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } };
}

/** Installs every handler and the error handler on `bot`. */
export function registerBotHandlers(bot: Bot, services: BotServices): void {
  const { jobs, sessions, store, maxFileBytes } = services;

  /**
   * Transcribes `target` for the sender of the current update. `explicit`: the user asked (a
   * command or a mention), so every problem gets an answer; otherwise (automatic) only the ones
   * about a file we would have transcribed.
   */
  async function transcribe(ctx: Context, target: TargetMessage, explicit: boolean): Promise<void> {
    const ownerId = ctx.from?.id;
    const asked = ctx.message?.message_id ?? target.message_id;
    if (ownerId === undefined || ctx.message?.sender_chat !== undefined) return;
    const result = messageToJobInput({ ...target }, maxFileBytes);
    switch (result.kind) {
      case "none":
        if (explicit) await ctx.reply(texts.replyToVoice, replyTo(asked));
        return;
      case "unsupported":
        if (explicit || isPrivate(ctx)) await ctx.reply(texts.unsupported(result.what), replyTo(target.message_id));
        return;
      case "too-large":
        await ctx.reply(texts.tooLarge(result.size, result.limit), replyTo(target.message_id));
        return;
      case "media":
        break;
    }
    const outcome = await jobs.submit(result.input, ownerId);
    switch (outcome.kind) {
      case "queued":
        return;
      case "rate-limited":
        await ctx.reply(texts.rateLimited(outcome.retryAfterSeconds), replyTo(target.message_id));
        return;
      case "duplicate":
        // The same media update again is Telegram redelivering it: stay quiet.
        if (asked !== target.message_id) {
          await ctx.reply(outcome.job.state === "done" ? texts.alreadyDone : texts.alreadyQueued, replyTo(asked));
        }
        return;
    }
  }

  bot.command("start", async (ctx) => {
    if (ctx.match.trim() === "link" && isPrivate(ctx) && ctx.from !== undefined) {
      await sendLinkCode(ctx);
      return;
    }
    const button = jobs.appButton(ctx.chat.id);
    await ctx.reply(texts.start, button === null ? {} : { reply_markup: { inline_keyboard: [[toInlineButton(button)]] } });
  });

  bot.command("help", async (ctx) => {
    await ctx.reply(texts.help);
  });

  async function sendLinkCode(ctx: Context): Promise<void> {
    const from = ctx.from;
    if (from === undefined) return;
    const code = await sessions.createLinkCode(toRelayUser(from));
    const button = jobs.appButton(from.id);
    await ctx.reply(texts.linkCode(code, LINK_CODE_TTL_SECONDS / 60), {
      ...(button === null ? {} : { reply_markup: { inline_keyboard: [[toInlineButton(button)]] } }),
      protect_content: true,
    });
  }

  bot.command("link", async (ctx) => {
    if (!isPrivate(ctx)) {
      await ctx.reply(texts.linkOnlyPrivate, replyTo(ctx.msg.message_id));
      return;
    }
    await sendLinkCode(ctx);
  });

  bot.command("unlink", async (ctx) => {
    if (ctx.from === undefined) return;
    const count = await sessions.unlinkUser(ctx.from.id);
    await ctx.reply(texts.unlinked(count), replyTo(ctx.msg.message_id));
  });

  bot.command("lang", async (ctx) => {
    const argument = ctx.match.trim();
    if (argument.length === 0) {
      const settings = await store.getChatSettings(ctx.chat.id);
      await ctx.reply(texts.langCurrent(settings.languageHint), replyTo(ctx.msg.message_id));
      return;
    }
    if (!isPrivate(ctx) && !(await isGroupAdmin(ctx))) {
      await ctx.reply(texts.adminsOnly, replyTo(ctx.msg.message_id));
      return;
    }
    const lowered = argument.toLowerCase();
    const code = lowered === "auto" || lowered === "off" || lowered === "none" ? null : whisperLanguageCode(argument);
    if (code === null && lowered !== "auto" && lowered !== "off" && lowered !== "none") {
      await ctx.reply(texts.langInvalid(argument.slice(0, 20)), replyTo(ctx.msg.message_id));
      return;
    }
    await store.updateChatSettings(ctx.chat.id, { languageHint: code });
    await ctx.reply(texts.langSet(code), replyTo(ctx.msg.message_id));
  });

  bot.command("auto", async (ctx) => {
    if (isPrivate(ctx)) {
      await ctx.reply(texts.autoOnlyGroups);
      return;
    }
    const argument = ctx.match.trim().toLowerCase();
    if (argument !== "on" && argument !== "off") {
      await ctx.reply(texts.autoUsage, replyTo(ctx.msg.message_id));
      return;
    }
    if (!(await isGroupAdmin(ctx))) {
      await ctx.reply(texts.adminsOnly, replyTo(ctx.msg.message_id));
      return;
    }
    await store.updateChatSettings(ctx.chat.id, { autoMode: argument === "on" });
    await ctx.reply(texts.autoSet(argument === "on"), replyTo(ctx.msg.message_id));
  });

  bot.command("transcribe", async (ctx) => {
    const target = ctx.msg.reply_to_message;
    if (target === undefined) {
      await ctx.reply(texts.replyToVoice, replyTo(ctx.msg.message_id));
      return;
    }
    await transcribe(ctx, target, true);
  });

  bot.command("srt", async (ctx) => {
    const target = ctx.msg.reply_to_message;
    if (target === undefined) {
      await ctx.reply(texts.replyToTranscript, replyTo(ctx.msg.message_id));
      return;
    }
    const outcome = await jobs.subtitlesFor(ctx.chat.id, target.message_id);
    if (outcome.kind !== "ok") {
      await ctx.reply(outcome.kind === "none" ? texts.replyToTranscript : texts.noTranscriptYet, replyTo(ctx.msg.message_id));
      return;
    }
    await ctx.replyWithDocument(new InputFile(Buffer.from(outcome.content, "utf8"), outcome.fileName), replyTo(target.message_id));
  });

  bot.on("callback_query:data", async (ctx) => {
    const data = ctx.callbackQuery.data;
    const chatId = ctx.callbackQuery.message?.chat.id;
    if (data.startsWith(CALLBACK.srt) && chatId !== undefined) {
      const outcome = await jobs.subtitlesById(data.slice(CALLBACK.srt.length));
      if (outcome.kind !== "ok") {
        await ctx.answerCallbackQuery({ text: texts.noTranscriptYet });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.api.sendDocument(chatId, new InputFile(Buffer.from(outcome.content, "utf8"), outcome.fileName), replyTo(outcome.replyTo));
      return;
    }
    if (data.startsWith(CALLBACK.retry)) {
      const outcome = await jobs.retry(data.slice(CALLBACK.retry.length), ctx.from.id);
      const text = outcome === "requeued" ? texts.requeued : outcome === "not-yours" ? texts.notYours : texts.notRequeueable;
      await ctx.answerCallbackQuery({ text });
      return;
    }
    await ctx.answerCallbackQuery();
  });

  bot.on("message", async (ctx) => {
    const message = ctx.message;
    if (isPrivate(ctx)) {
      const result = messageToJobInput(message, maxFileBytes);
      if (result.kind === "none") {
        if (message.text !== undefined && !message.text.startsWith("/")) await ctx.reply(texts.privateHint);
        return;
      }
      await transcribe(ctx, message, false);
      return;
    }
    if (mentionsBot(message, ctx.me)) {
      const own = messageToJobInput(message, maxFileBytes);
      const target = own.kind === "none" ? message.reply_to_message : message;
      if (target === undefined) {
        await ctx.reply(texts.replyToVoice, replyTo(message.message_id));
        return;
      }
      // A mention on the media itself counts as asking, but the status message then replies to it.
      await transcribe(ctx, target, true);
      return;
    }
    const settings = await store.getChatSettings(ctx.chat.id);
    if (settings.autoMode) await transcribe(ctx, message, false);
  });

  bot.catch((error) => {
    log.error(`update ${error.ctx.update.update_id} failed: ${describeError(error.error)}`, error.error);
  });
}

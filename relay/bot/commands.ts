/** The bot's commands: /start, /help, /link, /unlink, /lang, /auto, /transcribe and /srt. */
import { Composer, InputFile, type Context } from "grammy";
import { whisperLanguageCode } from "../../lib/languages";
import { LINK_CODE_TTL_SECONDS } from "../sessions/session-service";
import { toInlineButton } from "../telegram/chat-gateway";
import { toRelayUser } from "../telegram/to-relay-user";
import { texts } from "../texts";
import { isGroupAdmin, isPrivate, replyTo, type BotServices } from "./bot-services";
import type { Transcribe } from "./transcribe";

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

/** The commands as one Composer; install it before the media handlers, which skip commands. */
export function commandsComposer(services: BotServices, transcribe: Transcribe): Composer<Context> {
  const { jobs, sessions, chatSettings } = services;
  const composer = new Composer<Context>();

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

  composer.command("start", async (ctx) => {
    if (ctx.match.trim() === "link" && isPrivate(ctx) && ctx.from !== undefined) {
      await sendLinkCode(ctx);
      return;
    }
    const button = jobs.appButton(ctx.chat.id);
    await ctx.reply(texts.start, button === null ? {} : { reply_markup: { inline_keyboard: [[toInlineButton(button)]] } });
  });

  composer.command("help", async (ctx) => {
    await ctx.reply(texts.help);
  });

  composer.command("link", async (ctx) => {
    if (!isPrivate(ctx)) {
      await ctx.reply(texts.linkOnlyPrivate, replyTo(ctx.msg.message_id));
      return;
    }
    await sendLinkCode(ctx);
  });

  composer.command("unlink", async (ctx) => {
    if (ctx.from === undefined) return;
    const count = await sessions.unlinkUser(ctx.from.id);
    await ctx.reply(texts.unlinked(count), replyTo(ctx.msg.message_id));
  });

  composer.command("lang", async (ctx) => {
    const argument = ctx.match.trim();
    if (argument.length === 0) {
      const settings = await chatSettings.get(ctx.chat.id);
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
    await chatSettings.setLanguageHint(ctx.chat.id, code);
    await ctx.reply(texts.langSet(code), replyTo(ctx.msg.message_id));
  });

  composer.command("auto", async (ctx) => {
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
    await chatSettings.setAutoMode(ctx.chat.id, argument === "on");
    await ctx.reply(texts.autoSet(argument === "on"), replyTo(ctx.msg.message_id));
  });

  composer.command("transcribe", async (ctx) => {
    const target = ctx.msg.reply_to_message;
    if (target === undefined) {
      if (ctx.msg.external_reply !== undefined) return transcribe(ctx, ctx.msg, true, true);
      await ctx.reply(texts.replyToVoice, replyTo(ctx.msg.message_id));
      return;
    }
    await transcribe(ctx, target, true);
  });

  composer.command("srt", async (ctx) => {
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

  return composer;
}

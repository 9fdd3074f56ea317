/** The bot's commands: /start, /help, /link, /unlink, /lang, /auto, /transcribe and /srt. */
import { Composer, InputFile, type Context } from "grammy";
import { whisperLanguageCode } from "../../lib/languages";
import { textsFor, type BotLocale } from "../i18n/bot-texts";
import { LINK_CODE_TTL_SECONDS } from "../sessions/session-service";
import { toInlineButton } from "../telegram/chat-gateway";
import { toRelayUser } from "../telegram/to-relay-user";
import { isGroupAdmin, isPrivate, localeOf, replyTo, textsOf, type BotServices } from "./bot-services";
import type { Transcribe } from "./transcribe";

const COMMAND_NAMES = ["start", "help", "link", "unlink", "lang", "srt", "transcribe", "auto"] as const;

/** The commands shown in Telegram's menu, described in `locale` (set once per language with `language_code`). */
export function botCommands(locale: BotLocale): Array<{ command: string; description: string }> {
  const texts = textsFor(locale);
  return COMMAND_NAMES.map((command) => ({ command, description: texts.command(command) }));
}

/** The commands shown in Telegram's menu, in English (the menu for every language without its own). */
export const BOT_COMMANDS: ReadonlyArray<{ command: string; description: string }> = botCommands("en");

/** The commands as one Composer; install it before the media handlers, which skip commands. */
export function commandsComposer(services: BotServices, transcribe: Transcribe): Composer<Context> {
  const { jobs, sessions, chatSettings } = services;
  const composer = new Composer<Context>();

  async function sendLinkCode(ctx: Context): Promise<void> {
    const from = ctx.from;
    if (from === undefined) return;
    const code = await sessions.createLinkCode(toRelayUser(from));
    const button = jobs.appButton(from.id, localeOf(ctx));
    await ctx.reply(textsOf(ctx).linkCode(code, LINK_CODE_TTL_SECONDS / 60), {
      ...(button === null ? {} : { reply_markup: { inline_keyboard: [[toInlineButton(button)]] } }),
      protect_content: true,
    });
  }

  composer.command("start", async (ctx) => {
    if (ctx.match.trim() === "link" && isPrivate(ctx) && ctx.from !== undefined) {
      await sendLinkCode(ctx);
      return;
    }
    const button = jobs.appButton(ctx.chat.id, localeOf(ctx));
    await ctx.reply(textsOf(ctx).start, button === null ? {} : { reply_markup: { inline_keyboard: [[toInlineButton(button)]] } });
  });

  composer.command("help", async (ctx) => {
    await ctx.reply(textsOf(ctx).help);
  });

  composer.command("link", async (ctx) => {
    if (!isPrivate(ctx)) {
      await ctx.reply(textsOf(ctx).linkOnlyPrivate, replyTo(ctx.msg.message_id));
      return;
    }
    await sendLinkCode(ctx);
  });

  composer.command("unlink", async (ctx) => {
    if (ctx.from === undefined) return;
    const count = await sessions.unlinkUser(ctx.from.id);
    await ctx.reply(textsOf(ctx).unlinked(count), replyTo(ctx.msg.message_id));
  });

  composer.command("lang", async (ctx) => {
    const argument = ctx.match.trim();
    if (argument.length === 0) {
      const settings = await chatSettings.get(ctx.chat.id);
      await ctx.reply(textsOf(ctx).langCurrent(settings.languageHint), replyTo(ctx.msg.message_id));
      return;
    }
    if (!isPrivate(ctx) && !(await isGroupAdmin(ctx))) {
      await ctx.reply(textsOf(ctx).adminsOnly, replyTo(ctx.msg.message_id));
      return;
    }
    const lowered = argument.toLowerCase();
    const code = lowered === "auto" || lowered === "off" || lowered === "none" ? null : whisperLanguageCode(argument);
    if (code === null && lowered !== "auto" && lowered !== "off" && lowered !== "none") {
      await ctx.reply(textsOf(ctx).langInvalid(argument.slice(0, 20)), replyTo(ctx.msg.message_id));
      return;
    }
    await chatSettings.setLanguageHint(ctx.chat.id, code);
    await ctx.reply(textsOf(ctx).langSet(code), replyTo(ctx.msg.message_id));
  });

  composer.command("auto", async (ctx) => {
    if (isPrivate(ctx)) {
      await ctx.reply(textsOf(ctx).autoOnlyGroups);
      return;
    }
    const argument = ctx.match.trim().toLowerCase();
    if (argument !== "on" && argument !== "off") {
      await ctx.reply(textsOf(ctx).autoUsage, replyTo(ctx.msg.message_id));
      return;
    }
    if (!(await isGroupAdmin(ctx))) {
      await ctx.reply(textsOf(ctx).adminsOnly, replyTo(ctx.msg.message_id));
      return;
    }
    await chatSettings.setAutoMode(ctx.chat.id, argument === "on");
    await ctx.reply(textsOf(ctx).autoSet(argument === "on"), replyTo(ctx.msg.message_id));
  });

  composer.command("transcribe", async (ctx) => {
    const target = ctx.msg.reply_to_message;
    if (target === undefined) {
      if (ctx.msg.external_reply !== undefined) return transcribe(ctx, ctx.msg, true, true);
      await ctx.reply(textsOf(ctx).replyToVoice, replyTo(ctx.msg.message_id));
      return;
    }
    await transcribe(ctx, target, true);
  });

  composer.command("srt", async (ctx) => {
    const target = ctx.msg.reply_to_message;
    if (target === undefined) {
      await ctx.reply(textsOf(ctx).replyToTranscript, replyTo(ctx.msg.message_id));
      return;
    }
    const outcome = await jobs.subtitlesFor(ctx.chat.id, target.message_id);
    if (outcome.kind !== "ok") {
      await ctx.reply(outcome.kind === "none" ? textsOf(ctx).replyToTranscript : textsOf(ctx).noTranscriptYet, replyTo(ctx.msg.message_id));
      return;
    }
    await ctx.replyWithDocument(new InputFile(Buffer.from(outcome.content, "utf8"), outcome.fileName), replyTo(target.message_id));
  });

  return composer;
}

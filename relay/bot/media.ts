/**
 * Messages that are not commands: voice, audio, video notes and audio documents become jobs in
 * private chats; in groups only when the bot is mentioned or the chat is in automatic mode.
 */
import { Composer, type Context } from "grammy";
import { externalReplyToJobInput, messageToJobInput } from "../telegram/message-to-job";
import { isPrivate, mentionsBot, replyTo, textsOf, type BotServices } from "./bot-services";
import type { Transcribe } from "./transcribe";

/** The media handlers; install after the commands, since every message reaches them. */
export function mediaComposer(services: BotServices, transcribe: Transcribe): Composer<Context> {
  const { chatSettings, maxFileBytes } = services;
  const composer = new Composer<Context>();

  composer.on("message", async (ctx) => {
    const message = ctx.message;
    if (isPrivate(ctx)) {
      const result = messageToJobInput(message, maxFileBytes);
      if (result.kind === "none") {
        // A reply quoting a voice message from another chat asks for that one.
        if (externalReplyToJobInput(message, maxFileBytes).kind !== "none" && !(message.text ?? "").startsWith("/")) return transcribe(ctx, message, true, true);
        if (message.text !== undefined && !message.text.startsWith("/")) await ctx.reply(textsOf(ctx).privateHint);
        return;
      }
      await transcribe(ctx, message, false);
      return;
    }
    if (mentionsBot(message, ctx.me)) {
      const own = messageToJobInput(message, maxFileBytes);
      const target = own.kind === "none" ? message.reply_to_message : message;
      if (target === undefined && message.external_reply !== undefined) return transcribe(ctx, message, true, true);
      if (target === undefined) {
        await ctx.reply(textsOf(ctx).replyToVoice, replyTo(message.message_id));
        return;
      }
      // A mention on the media itself counts as asking, but the status message then replies to it.
      await transcribe(ctx, target, true);
      return;
    }
    const settings = await chatSettings.get(ctx.chat.id);
    if (settings.autoMode) await transcribe(ctx, message, false);
  });

  return composer;
}

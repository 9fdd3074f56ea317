/** The buttons under the bot's messages: "Subtitles (.srt)" and "Retry". */
import { Composer, InputFile, type Context } from "grammy";
import { replyTo, textsOf, type BotServices } from "./bot-services";
import { CALLBACK } from "../jobs/job-messages";

/** Answers every callback query (unknown data gets an empty answer, so the button stops spinning). */
export function callbacksComposer(services: BotServices): Composer<Context> {
  const { jobs } = services;
  const composer = new Composer<Context>();

  composer.on("callback_query:data", async (ctx) => {
    const data = ctx.callbackQuery.data;
    const chatId = ctx.callbackQuery.message?.chat.id;
    if (data.startsWith(CALLBACK.srt) && chatId !== undefined) {
      const outcome = await jobs.subtitlesById(data.slice(CALLBACK.srt.length));
      if (outcome.kind !== "ok") {
        await ctx.answerCallbackQuery({ text: textsOf(ctx).noTranscriptYet });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.api.sendDocument(chatId, new InputFile(Buffer.from(outcome.content, "utf8"), outcome.fileName), replyTo(outcome.replyTo));
      return;
    }
    if (data.startsWith(CALLBACK.retry)) {
      const outcome = await jobs.retry(data.slice(CALLBACK.retry.length), ctx.from.id);
      const text = outcome === "requeued" || outcome === "resent" ? textsOf(ctx).requeued : outcome === "not-yours" ? textsOf(ctx).notYours : textsOf(ctx).notRequeueable;
      await ctx.answerCallbackQuery({ text });
      return;
    }
    await ctx.answerCallbackQuery();
  });

  return composer;
}

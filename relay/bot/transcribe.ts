/**
 * Turning a Telegram message into a job for the sender, with the answers for media we cannot or
 * will not take. Shared by `/transcribe` (commands) and the media handlers.
 */
import type { Context } from "grammy";
import { externalReplyToJobInput, messageToJobInput } from "../telegram/message-to-job";
import { languageTag } from "../telegram/language-tag";
import { isPrivate, localeOf, replyTo, textsOf, type BotServices, type TargetMessage } from "./bot-services";

/**
 * Transcribes `target` for the sender of the current update. `explicit`: the user asked (a
 * command or a mention), so every problem gets an answer; otherwise (automatic) only the ones
 * about a file we would have transcribed. `quoted`: `target` is a command whose media is the message
 * it quotes from another chat (`external_reply`); the job answers the command.
 */
export type Transcribe = (ctx: Context, target: TargetMessage, explicit: boolean, quoted?: boolean) => Promise<void>;

/** Use once per bot: the {@link Transcribe} function the Composers share. */
export function createTranscribe(services: BotServices): Transcribe {
  const { jobs, maxFileBytes } = services;
  return async (ctx, target, explicit, quoted = false) => {
    const ownerId = ctx.from?.id;
    const asked = ctx.message?.message_id ?? target.message_id;
    if (ownerId === undefined || ctx.message?.sender_chat !== undefined) return;
    const result = quoted ? externalReplyToJobInput({ ...target }, maxFileBytes) : messageToJobInput({ ...target }, maxFileBytes);
    switch (result.kind) {
      case "none":
        if (explicit) await ctx.reply(textsOf(ctx).replyToVoice, replyTo(asked));
        return;
      case "unsupported":
        if (explicit || isPrivate(ctx)) await ctx.reply(textsOf(ctx).unsupported(result.what, result.mime ?? null), replyTo(target.message_id));
        return;
      case "too-large":
        await ctx.reply(textsOf(ctx).tooLarge(result.size, result.limit), replyTo(target.message_id));
        return;
      case "media":
        break;
    }
    const outcome = await jobs.submit(result.input, ownerId, localeOf(ctx), languageTag(ctx.from?.language_code));
    switch (outcome.kind) {
      case "queued":
        return;
      case "rate-limited":
        await ctx.reply(textsOf(ctx).rateLimited(outcome.retryAfterSeconds), replyTo(target.message_id));
        return;
      case "duplicate":
        // The same media update again is Telegram redelivering it: stay quiet.
        if (asked !== target.message_id) {
          await ctx.reply(outcome.job.state === "done" ? textsOf(ctx).alreadyDone : textsOf(ctx).alreadyQueued, replyTo(asked));
        }
        return;
    }
  };
}

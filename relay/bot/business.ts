/**
 * Telegram Business: voice that others send the user. When a user connects the bot to their
 * business account, `business_message` updates bring the messages of that account's private chats.
 * A voice message, audio file or video note someone else sent them becomes a job for the user's own
 * browser, and everything about it — a heading naming the sender, the status, the transcript — goes
 * to the user's private chat with the bot. Nothing is ever sent to the other person or into the
 * business chat: no reply, no reaction, no read mark (so this composer never uses `ctx.reply`,
 * which would answer through the business connection). See "Telegram Business" in relay/README.md.
 */
import { Composer, type Context } from "grammy";
import type { Message } from "grammy/types";
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import { botLocale, textsForLanguage } from "../i18n/bot-texts";
import { languageTag } from "../telegram/language-tag";
import { BusinessConnections, toBusinessLink, type BusinessLink } from "../telegram/business-connections";
import { messageToJobInput } from "../telegram/message-to-job";
import { replyTo, type BotServices } from "./bot-services";

const log = createLogger("relay:bot");

/** Business messages remembered as handled, so a redelivered update makes no second job. */
const MAX_SEEN = 10_000;

function senderName(message: Message): string {
  const from = message.from;
  if (from === undefined) return message.chat.type === "private" ? message.chat.first_name : "?";
  return [from.first_name, from.last_name].filter((part) => part !== undefined && part.length > 0).join(" ");
}

/** The Business handlers: connections (connect, disconnect, rights) and the voice others send the user. */
export function businessComposer(services: BotServices): Composer<Context> {
  const { jobs, maxFileBytes } = services;
  const connections = new BusinessConnections();
  const seen = new Set<string>();
  const composer = new Composer<Context>();

  composer.on("business_connection", async (ctx) => {
    const previous = connections.peek(ctx.businessConnection.id);
    const link = connections.remember(toBusinessLink(ctx.businessConnection));
    log.info(`business connection ${link.enabled ? "enabled" : "disabled"} for user ${link.userId}${link.canReply ? " (may reply)" : ""}`);
    // A change of rights alone says nothing new to the user.
    if (previous !== null && previous.enabled === link.enabled) return;
    const texts = textsForLanguage(link.languageCode);
    await ctx.api.sendMessage(link.userChatId, link.enabled ? texts.businessConnected : texts.businessDisconnected);
  });

  composer.on("business_message", async (ctx) => {
    const message = ctx.businessMessage;
    const connectionId = message.business_connection_id;
    if (connectionId === undefined) return;
    const link = await connections.get(connectionId, (id) => ctx.api.getBusinessConnection(id));
    // The user's own messages in their chats are not "voice they receive".
    if (link === null || !link.enabled || message.from?.id === link.userId) return;
    const result = messageToJobInput(message, maxFileBytes);
    if (result.kind === "none" || result.kind === "unsupported") return;
    const key = `${link.id}:${message.chat.id}:${message.message_id}`;
    if (seen.has(key)) return;
    if (seen.size >= MAX_SEEN) seen.clear();
    seen.add(key);
    await receive(ctx, link, message, result);
  });

  async function receive(ctx: Context, link: BusinessLink, message: Message, result: ReturnType<typeof messageToJobInput>): Promise<void> {
    const texts = textsForLanguage(link.languageCode);
    const heading = texts.businessVoiceFrom(senderName(message));
    if (result.kind === "too-large") {
      await ctx.api.sendMessage(link.userChatId, `${heading}\n\n${texts.tooLarge(result.size, result.limit)}`);
      return;
    }
    if (result.kind !== "media") return;
    // The heading is the job's message in the user's chat: the status and transcript reply to it.
    const sent = await ctx.api.sendMessage(link.userChatId, heading);
    const input = { ...result.input, chatId: link.userChatId, isPrivateChat: true, messageId: sent.message_id };
    // The job is the account owner's: their language, as for the bot's texts (whoever writes to them likely shares it).
    const outcome = await jobs.submit(input, link.userId, botLocale(link.languageCode), languageTag(link.languageCode));
    if (outcome.kind === "rate-limited") {
      await ctx.api.sendMessage(link.userChatId, texts.rateLimited(outcome.retryAfterSeconds), replyTo(sent.message_id)).catch((error: unknown) => {
        log.warn(`could not tell user ${link.userId} to wait: ${describeError(error)}`);
      });
    }
  }

  return composer;
}

/**
 * What the bot's Composers share: the services they call (never the store), and the small
 * helpers about chats and replies that commands and media handlers both use.
 */
import type { Context } from "grammy";
import type { Message, UserFromGetMe } from "grammy/types";
import type { ChatSettingsService } from "../chats/chat-settings-service";
import { botLocale, textsFor, type BotLocale, type BotTexts } from "../i18n/bot-texts";
import type { JobService } from "../jobs/job-service";
import type { SessionService } from "../sessions/session-service";

/** A message that may be the target of `/transcribe` or a mention (a reply's target has no reply of its own). */
export type TargetMessage = Omit<Message, "reply_to_message">;

/** What the bot's handlers need. */
export interface BotServices {
  readonly jobs: JobService;
  readonly sessions: SessionService;
  readonly chatSettings: ChatSettingsService;
  readonly maxFileBytes: number;
}

/** The language of the user behind the update (Telegram's `language_code`), for everything the bot tells them. */
export function localeOf(ctx: Context): BotLocale {
  return botLocale(ctx.from?.language_code);
}

/** The bot's sentences in the language of the user behind the update. */
export function textsOf(ctx: Context): BotTexts {
  return textsFor(localeOf(ctx));
}

/** True in a private chat with the bot; groups get different answers. */
export function isPrivate(ctx: Context): boolean {
  return ctx.chat?.type === "private";
}

/** True when the message's text or caption mentions this bot (by @username or a text mention). */
export function mentionsBot(message: TargetMessage, bot: UserFromGetMe): boolean {
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const handle = `@${bot.username}`.toLowerCase();
  return entities.some((entity) => {
    if (entity.type === "mention") return text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === handle;
    if (entity.type === "text_mention") return entity.user.id === bot.id;
    return false;
  });
}

/** True when the sender may change the group's settings (asks Telegram with `getChatMember`). */
export async function isGroupAdmin(ctx: Context): Promise<boolean> {
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

/** Send options that reply to `messageId`, still sending if it was deleted. */
export function replyTo(messageId: number) {
  return { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } };
}

/**
 * The Telegram implementation of the {@link ChatGateway} port (`relay/ports/chat-gateway.ts`):
 * grammY's `Api` for messages and documents, a streamed download for file bytes, so Telegram types
 * stay at the edge.
 */
import { GrammyError, InputFile, type Api } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup, ReactionTypeEmoji } from "grammy/types";
import { UpstreamError } from "../errors";
import { ChatRateLimitError, type ChatButton, type ChatGateway, type ChatMessage, type ReactionStage } from "../ports/chat-gateway";
import { ChatPacer } from "./chat-pacer";
import { fileDownloadUrl, openDownload } from "./file-download";

/** Telegram's form of one of our buttons; the only place that builds inline keyboard buttons. */
export function toInlineButton(button: ChatButton): InlineKeyboardButton {
  switch (button.kind) {
    case "web_app":
      return { text: button.text, web_app: { url: button.url } };
    case "url":
      return { text: button.text, url: button.url };
    case "callback":
      return { text: button.text, callback_data: button.data };
  }
}

function toInlineKeyboard(rows: ChatMessage["buttons"]): InlineKeyboardMarkup | undefined {
  if (rows === undefined || rows.length === 0) return undefined;
  return { inline_keyboard: rows.map((row) => row.map(toInlineButton)) };
}

/** The emoji of each stage; bots may only use Telegram's standard reactions, one per message. */
export const STAGE_REACTIONS: Readonly<Record<ReactionStage, ReactionTypeEmoji["emoji"]>> = {
  queued: "👀",
  working: "✍",
  done: "👌",
  failed: "🤷",
  expired: "😴",
};

/** Bot API answers meaning "this chat does not take this reaction from the bot" (disabled, restricted, no right). */
const REACTION_REFUSALS = ["reaction_invalid", "reactions_too_many", "reaction_empty", "chat_admin_required", "not enough rights"];

function description(error: unknown): string {
  return error instanceof GrammyError ? error.description.toLowerCase() : "";
}

/** A Bot API 429 becomes {@link ChatRateLimitError} (and holds the chat's pacer); anything else is rethrown. */
function rateLimited(error: unknown, chatId: number, pacer: ChatPacer, now: () => number): unknown {
  if (!(error instanceof GrammyError) || error.error_code !== 429) return error;
  const seconds = Math.max(1, error.parameters.retry_after ?? 1);
  pacer.holdUntil(chatId, now() + seconds * 1000);
  return new ChatRateLimitError(seconds, { cause: error });
}

/**
 * Implements {@link ChatGateway} with the Bot API; file downloads go to
 * `{apiRoot}/file/bot{token}/{file_path}`. Every message waits its turn in `pacer` (per chat), and a
 * 429 is thrown as {@link ChatRateLimitError}; nothing here retries by itself (the caller defers).
 */
export function createTelegramGateway(api: Api, apiRoot: string, token: string, pacer: ChatPacer = new ChatPacer(), now: () => number = Date.now): ChatGateway {
  async function paced<T>(chatId: number, call: () => Promise<T>): Promise<T> {
    await pacer.turn(chatId);
    try {
      return await call();
    } catch (error) {
      throw rateLimited(error, chatId, pacer, now);
    }
  }

  return {
    async send(chatId, replyTo, message) {
      const reply_markup = toInlineKeyboard(message.buttons);
      const sent = await paced(chatId, () =>
        api.sendMessage(chatId, message.text, {
          ...(replyTo === null ? {} : { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }),
          ...(reply_markup === undefined ? {} : { reply_markup }),
          link_preview_options: { is_disabled: true },
        }),
      );
      return sent.message_id;
    },

    async edit(chatId, messageId, message) {
      const reply_markup = toInlineKeyboard(message.buttons);
      try {
        await paced(chatId, () =>
          api.editMessageText(chatId, messageId, message.text, {
            ...(reply_markup === undefined ? {} : { reply_markup }),
            link_preview_options: { is_disabled: true },
          }),
        );
        return "edited";
      } catch (error) {
        const text = description(error);
        if (text.includes("message is not modified")) return "unchanged";
        if (text.includes("message to edit not found") || text.includes("message can't be edited")) return "missing";
        throw error;
      }
    },

    async sendDocument(chatId, replyTo, fileName, content) {
      await paced(chatId, () =>
        api.sendDocument(chatId, new InputFile(Buffer.from(content, "utf8"), fileName), {
          ...(replyTo === null ? {} : { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }),
        }),
      );
    },

    async react(chatId, messageId, stage) {
      // Not paced: a reaction is not a message, and waiting would delay the status text behind it.
      try {
        await api.setMessageReaction(chatId, messageId, [{ type: "emoji", emoji: STAGE_REACTIONS[stage] }]);
        return "set";
      } catch (error) {
        const text = description(error);
        if (REACTION_REFUSALS.some((refusal) => text.includes(refusal))) return "not-allowed";
        if (text.includes("message to react not found") || text.includes("message_id_invalid")) return "missing";
        throw rateLimited(error, chatId, pacer, now);
      }
    },

    paceMs(chatId) {
      return pacer.intervalFor(chatId);
    },

    async openFile(fileId, signal) {
      const file = await api.getFile(fileId, signal);
      if (file.file_path === undefined) throw new UpstreamError("Telegram gave no download path for this file");
      return openDownload(fileDownloadUrl(apiRoot, token, file.file_path), signal);
    },
  };
}

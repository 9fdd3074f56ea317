/**
 * The Telegram bot, assembled from one grammY Composer per feature: commands (`commands.ts`),
 * the buttons under its messages (`callbacks.ts`) and media handling in private chats and groups
 * (`media.ts`), and Telegram Business: voice others send the user (`business.ts`). It is the
 * relay's Telegram edge: handlers read Telegram updates, map messages with
 * `messageToJobInput`, and call the job, session and chat-settings services, which never see
 * Telegram types.
 *
 * Tests build it with `botInfo` (no `getMe`), an API transformer that records calls, and
 * `bot.handleUpdate(update)`.
 */
import { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { describeError } from "../../lib/errors";
import { createLogger } from "../../lib/logger";
import type { BotServices } from "./bot-services";
import { businessComposer } from "./business";
import { callbacksComposer } from "./callbacks";
import { commandsComposer } from "./commands";
import { mediaComposer } from "./media";
import { createTranscribe } from "./transcribe";

const log = createLogger("relay:bot");

/** Creates the grammY bot object; with `botInfo` it needs no `getMe` (tests). */
export function createBot(token: string, apiRoot: string, botInfo?: UserFromGetMe): Bot {
  return new Bot(token, { client: { apiRoot }, ...(botInfo === undefined ? {} : { botInfo }) });
}

/** Installs every handler and the error handler on `bot`; call once, before it starts. */
export function registerBotHandlers(bot: Bot, services: BotServices): void {
  const transcribe = createTranscribe(services);
  bot.use(commandsComposer(services, transcribe));
  bot.use(callbacksComposer(services));
  bot.use(mediaComposer(services, transcribe));
  bot.use(businessComposer(services));
  bot.catch((error) => {
    log.error(`update ${error.ctx.update.update_id} failed: ${describeError(error.error)}`, error.error);
  });
}

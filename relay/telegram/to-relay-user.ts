/**
 * Maps a Telegram user to our {@link RelayUser}: one mapping for the bot's edge (grammY's `User`, e.g.
 * for `/link`) and for verified Mini App init data (`InitDataUser`), which share Telegram's snake_case
 * fields.
 */
import type { RelayUser } from "../../lib/relay/protocol";

/** The fields of Telegram's `User` that we keep. */
export interface TelegramUserFields {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly language_code?: string;
}

/** Our user shape from Telegram's. */
export function toRelayUser(user: TelegramUserFields): RelayUser {
  return {
    id: user.id,
    firstName: user.first_name,
    lastName: user.last_name ?? null,
    username: user.username ?? null,
    languageCode: user.language_code ?? null,
  };
}

/** Maps a Telegram `User` to our {@link RelayUser}; used at the bot's edge (e.g. for `/link`). */
import type { User } from "grammy/types";
import type { RelayUser } from "../../lib/relay-protocol";

/** Our user shape from Telegram's. */
export function toRelayUser(user: User): RelayUser {
  return {
    id: user.id,
    firstName: user.first_name,
    lastName: user.last_name ?? null,
    username: user.username ?? null,
    languageCode: user.language_code ?? null,
  };
}

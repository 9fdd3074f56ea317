/**
 * A chat's settings (language hint, automatic mode in groups). The bot's handlers read and change
 * them through this service, never through the store, so the Telegram edge depends on services only.
 */
import type { ChatSettings, RelayStore } from "../ports/relay-store";

/** See the module comment. */
export class ChatSettingsService {
  constructor(private readonly store: RelayStore) {}

  /** The chat's settings (defaults for a chat never configured). */
  get(chatId: number): Promise<ChatSettings> {
    return this.store.getChatSettings(chatId);
  }

  /** Sets the Whisper language hint; `null` means detect. */
  setLanguageHint(chatId: number, languageHint: string | null): Promise<ChatSettings> {
    return this.store.updateChatSettings(chatId, { languageHint });
  }

  /** Turns automatic transcription of every voice message on or off (groups). */
  setAutoMode(chatId: number, autoMode: boolean): Promise<ChatSettings> {
    return this.store.updateChatSettings(chatId, { autoMode });
  }
}

/**
 * Telegram's `language_code` (an IETF language tag, as the user's Telegram app reports it) checked at
 * the relay's edge, before it is stored with a job and sent to browsers. Use it wherever a Telegram
 * user's language code enters the relay as a transcription preference.
 */
import { RELAY_LIMITS } from "../../lib/relay/protocol";

const TAG = /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/;

/** `code` when it looks like a language tag ("uk", "pt-BR"), else null (absent, empty, too long, not a tag). */
export function languageTag(code: string | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  const trimmed = code.trim();
  return trimmed.length <= RELAY_LIMITS.maxLanguageCodeChars && TAG.test(trimmed) ? trimmed : null;
}

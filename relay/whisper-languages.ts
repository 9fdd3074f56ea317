/**
 * Validation of `/lang` hints against the languages Whisper knows (the same table the app's
 * language picker uses, lib/languages.ts). The browser passes the chosen code to the model.
 */
import { isWhisperLanguage } from "../lib/languages";

/** The canonical code for `input` ("EN", " en ") or null when Whisper does not know it. */
export function normalizeLanguage(input: string): string | null {
  const code = input.trim().toLowerCase();
  return isWhisperLanguage(code) ? code : null;
}

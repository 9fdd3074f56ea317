/**
 * Which language to transcribe in when the user left it to detection: the model's guess when it
 * is sure, else the most likely of the user's own languages (the chat's `/lang`, the Telegram
 * user's `language_code`, the browser's `navigator.languages`), with the reason, so the result can
 * say which language was used and why. Pure.
 */
import { languageName, whisperLanguageCode } from "../languages";
import type { LanguageGuess } from "./language-detect";

/**
 * Below this probability (among the language tokens) a detection counts as unsure. Measured with
 * scripts/measure-language-confidence.ts on Whisper base q8 (89 espeak-ng and test clips in 14
 * languages, whole and cut to 0.6/1/2 s, plus noise): the most confident wrong guess scored 0.670,
 * so from 0.7 up no guess was wrong, while 22 of the 50 right guesses scored below it (those keep
 * their language when it is one of the user's own).
 */
export const LANGUAGE_CONFIDENCE_THRESHOLD = 0.7;

/** Where one of the user's languages comes from, most specific first. */
export type LanguageSource = "chat" | "telegram" | "browser";

/** One of the user's languages, as a Whisper code. */
export interface PreferredLanguage {
  readonly code: string;
  readonly source: LanguageSource;
}

/** The user's own languages as the page and the relay know them; any may be missing. */
export interface LanguageHints {
  /** The chat's `/lang` setting. */
  readonly chat?: string | null;
  /** The Telegram user's `language_code`. */
  readonly telegram?: string | null;
  /** `navigator.languages`. */
  readonly browser?: readonly string[];
}

/** The hints as Whisper codes, in order chat, Telegram, browser; unknown languages and repeats left out. */
export function preferredLanguages(hints: LanguageHints): PreferredLanguage[] {
  const found: PreferredLanguage[] = [];
  const add = (value: string | null | undefined, source: LanguageSource): void => {
    const code = value === null || value === undefined ? null : whisperLanguageCode(value);
    if (code !== null && !found.some((entry) => entry.code === code)) found.push({ code, source });
  };
  add(hints.chat, "chat");
  add(hints.telegram, "telegram");
  for (const language of hints.browser ?? []) add(language, "browser");
  return found;
}

/** The language used and why. */
export type LanguageChoice =
  | { readonly reason: "detected"; readonly language: string; readonly probability: number }
  | { readonly reason: "preferred"; readonly language: string; readonly source: LanguageSource; readonly detected: LanguageGuess }
  | { readonly reason: "unsure"; readonly language: string; readonly probability: number };

/**
 * Picks the language from the model's `guesses` (most likely first, {@link languageProbabilities}):
 * the top guess when its probability reaches `threshold` or it is one of the user's languages;
 * otherwise the user's language the model finds most likely; with no user languages, the top
 * guess marked unsure. Null when there are no guesses.
 */
export function chooseLanguage(guesses: readonly LanguageGuess[], preferred: readonly PreferredLanguage[], threshold = LANGUAGE_CONFIDENCE_THRESHOLD): LanguageChoice | null {
  const top = guesses[0];
  if (top === undefined) return null;
  if (top.probability >= threshold || preferred.some((entry) => entry.code === top.language)) {
    return { reason: "detected", language: top.language, probability: top.probability };
  }
  const probability = (code: string): number => guesses.find((guess) => guess.language === code)?.probability ?? 0;
  const best = [...preferred].sort((a, b) => probability(b.code) - probability(a.code))[0];
  if (best === undefined) return { reason: "unsure", language: top.language, probability: top.probability };
  return { reason: "preferred", language: best.code, source: best.source, detected: top };
}

const SOURCE_WORDS: Readonly<Record<LanguageSource, string>> = {
  chat: "the chat's /lang setting",
  telegram: "your Telegram language",
  browser: "your browser's languages",
};

const percent = (probability: number): string => `${Math.round(probability * 100)}%`;

/** A sentence for the result: which language was used and why. */
export function describeLanguageChoice(choice: LanguageChoice): string {
  switch (choice.reason) {
    case "detected":
      return `${languageName(choice.language)}, detected (${percent(choice.probability)} sure).`;
    case "unsure":
      return `${languageName(choice.language)}, detected but unsure (${percent(choice.probability)}); choose the language and run again if it is wrong.`;
    case "preferred":
      return `${languageName(choice.language)}, from ${SOURCE_WORDS[choice.source]}: detection was unsure (${languageName(choice.detected.language)}, ${percent(choice.detected.probability)}).`;
  }
}

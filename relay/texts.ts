/**
 * The bot's sentences in English, for code that speaks to no particular user and for tests. Chats
 * get them in their user's language: see `relay/i18n/bot-texts.ts` (`textsFor`, `textsForLanguage`).
 */
import { textsFor } from "./i18n/bot-texts";

/** The English sentences (the fallback language). */
export const texts = textsFor("en");

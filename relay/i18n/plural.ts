/**
 * Plural forms and numbers for the bot's texts without `Intl`. Fluent's own plural selectors
 * (`{ $n -> [one] … }` on a number) and number placeables construct `Intl.PluralRules` and
 * `Intl.NumberFormat`, and the first of those pages in ICU's locale data: 7.7 MB of the relay's
 * RSS for the four bot languages (measured in relay/README.md), a tenth of its 80 MB budget. So the
 * texts pass numbers to Fluent as text and choose plural forms with a `PLURAL($n)` function backed by
 * make-plural (Unicode CLDR's plural rules compiled to plain functions, by Fluent's maintainer).
 */
import { de, en, es, ru } from "make-plural";
import type { FluentValue } from "@fluent/bundle";

/** The bot's languages (see `BOT_LOCALES` in bot-texts.ts). */
type Locale = "en" | "ru" | "es" | "de";

const RULES: Readonly<Record<Locale, (n: number | string) => string>> = { en, ru, es, de };

/** The decimal separator in each language (the bot shows at most one decimal: "19.5 MB", "19,5 MB"). */
const DECIMAL_SEPARATOR: Readonly<Record<Locale, string>> = { en: ".", ru: ",", es: ",", de: "," };

/** CLDR's cardinal plural category ("one", "few", "many", "other") of `n` in `locale`. */
export function pluralCategory(locale: Locale, n: number | string): string {
  return RULES[locale](n);
}

/** The Fluent function `PLURAL($n)` for one language: the plural category of its (textual) number. */
export function pluralFunction(locale: Locale): (positional: FluentValue[]) => FluentValue {
  return ([value]) => {
    const text = typeof value === "string" ? value : String(value?.valueOf() ?? "");
    return /^\d+(\.\d+)?$/.test(text) ? pluralCategory(locale, text) : "other";
  };
}

/** `value` with at most one decimal, none when whole, in the language's notation: 19.5 → "19,5" in German. */
export function formatDecimal(locale: Locale, value: number): string {
  return value.toFixed(1).replace(/\.0$/, "").replace(".", DECIMAL_SEPARATOR[locale]);
}

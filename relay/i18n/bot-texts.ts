/**
 * Every sentence the bot says, in the user's language: English, Russian, Spanish or German,
 * chosen from the Telegram user's `language_code` (never from the transcription language, which
 * is the chat's `/lang` hint or Whisper's detection). The sentences are Fluent messages
 * (`relay/locales/*.ts`) run by Fluent's own runtime; this module gives them typed functions, so
 * callers never pass message keys by hand. Plain text: messages are sent without a parse mode.
 * Plural forms use `PLURAL($n)`, not Fluent's number selectors, to keep ICU data out of the
 * relay's memory (see plural.ts).
 */
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { DE_FTL } from "../locales/de";
import { EN_FTL } from "../locales/en";
import { ES_FTL } from "../locales/es";
import { RU_FTL } from "../locales/ru";
import type { UnsupportedMedia } from "../telegram/message-to-job";
import { formatDecimal, pluralFunction } from "./plural";

/** The languages the bot speaks; the first is the fallback. */
export const BOT_LOCALES = ["en", "ru", "es", "de"] as const;

/** One of {@link BOT_LOCALES}. */
export type BotLocale = (typeof BOT_LOCALES)[number];

const SOURCES: Readonly<Record<BotLocale, string>> = { en: EN_FTL, ru: RU_FTL, es: ES_FTL, de: DE_FTL };

/**
 * One Fluent bundle per language with that language's `PLURAL()` (plural.ts: no `Intl`), no bidi
 * isolation marks around values. Fluent itself (@fluent/bundle, Mozilla's Project Fluent) rather
 * than grammY's i18n plugin, a wrapper around it whose Deno file-system shim alone costs the relay
 * 4.3 MB of memory; the relay only ever needs `format(key, values)`, never `ctx.t`.
 */
function bundleFor(locale: BotLocale): FluentBundle {
  const bundle = new FluentBundle(locale, { useIsolating: false, functions: { PLURAL: pluralFunction(locale) } });
  const errors = bundle.addResource(new FluentResource(SOURCES[locale]));
  if (errors.length > 0) throw new Error(`relay/locales/${locale}.ts: ${errors.map((error) => error.message).join("; ")}`);
  return bundle;
}

const bundles = new Map<BotLocale, FluentBundle>();

/** The message `key` in `locale`, else in English (the fallback), else "{key}". */
function format(locale: BotLocale, key: string, values: Record<string, string>): string {
  for (const code of locale === "en" ? (["en"] as const) : ([locale, "en"] as const)) {
    let bundle = bundles.get(code);
    if (bundle === undefined) {
      bundle = bundleFor(code);
      bundles.set(code, bundle);
    }
    const message = bundle.getMessage(key);
    if (message?.value) return bundle.formatPattern(message.value, values);
  }
  return `{${key}}`;
}

function isBotLocale(value: string): value is BotLocale {
  return BOT_LOCALES.some((locale) => locale === value);
}

/** The bot's language for a Telegram `language_code` ("ru", "de-AT", …); English for anything else or none. */
export function botLocale(languageCode: string | null | undefined): BotLocale {
  const base = languageCode?.toLowerCase().split(/[-_]/)[0] ?? "";
  return isBotLocale(base) ? base : "en";
}

function megabytes(locale: BotLocale, bytes: number): string {
  return `${formatDecimal(locale, bytes / (1024 * 1024))} MB`;
}

/** A duration as Fluent's `-duration` term takes it: whole hours, else whole minutes, else seconds. */
function duration(seconds: number): { unit: string; n: number } {
  if (seconds % 3600 === 0) return { unit: "hour", n: seconds / 3600 };
  if (seconds % 60 === 0) return { unit: "minute", n: seconds / 60 };
  return { unit: "second", n: seconds };
}

function build(locale: BotLocale) {
  // Numbers go to Fluent as text, so it never formats or plural-selects them with Intl (plural.ts).
  const t = (key: string, variables: Record<string, string | number> = {}): string =>
    format(locale, key, Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === "number" ? String(value) : value])));
  return {
    locale,
    start: t("start"),
    help: t("help"),
    openApp: t("open-app"),
    /** The status message while a device transcribes: the text so far, marked as a draft (the end of a long one). */
    liveDraft: (text: string) => `${t("live-draft")}\n\n${text.length > 3900 ? `…${text.slice(-3900)}` : text}`,
    statusWorking: t("status-working"),
    statusWaiting: (expirySeconds: number) => t("status-waiting", duration(expirySeconds)),
    statusWaitingNoApp: (expirySeconds: number) => t("status-waiting-no-app", duration(expirySeconds)),
    statusReminder: (remainingSeconds: number) => t("status-reminder", duration(remainingSeconds)),
    tooLarge: (size: number, limit: number) => t("too-large", { size: megabytes(locale, size), limit: megabytes(locale, limit) }),
    unsupported: (what: UnsupportedMedia, mime: string | null = null) => t("unsupported", { what, mime: mime ?? "?" }),
    rateLimited: (seconds: number) => t("rate-limited", duration(seconds)),
    alreadyQueued: t("already-queued"),
    alreadyDone: t("already-done"),
    emptyTranscript: t("empty-transcript"),
    failed: (message: string) => t("failed", { message }),
    expired: (expirySeconds: number) => t("expired", duration(expirySeconds)),
    retry: t("retry"),
    partPlaceholder: (part: number, parts: number) => t("part-placeholder", { part, parts }),
    srtButton: t("srt-button"),
    linkCode: (code: string, minutes: number) => t("link-code", { code, minutes }),
    linkOnlyPrivate: t("link-only-private"),
    unlinked: (count: number) => (count === 0 ? t("unlinked-none") : t("unlinked", { count })),
    langCurrent: (code: string | null) => (code === null ? t("lang-current-auto") : t("lang-current", { code })),
    langSet: (code: string | null) => (code === null ? t("lang-set-auto") : t("lang-set", { code })),
    langInvalid: (input: string) => t("lang-invalid", { input }),
    autoUsage: t("auto-usage"),
    autoOnlyGroups: t("auto-only-groups"),
    adminsOnly: t("admins-only"),
    autoSet: (on: boolean) => t(on ? "auto-on" : "auto-off"),
    replyToVoice: t("reply-to-voice"),
    replyToTranscript: t("reply-to-transcript"),
    noTranscriptYet: t("no-transcript-yet"),
    notYours: t("not-yours"),
    requeued: t("requeued"),
    notRequeueable: t("not-requeueable"),
    privateHint: t("private-hint"),
    businessConnected: t("business-connected"),
    businessDisconnected: t("business-disconnected"),
    /** Heads a voice message someone sent the user, in the user's chat with the bot (Telegram Business). */
    businessVoiceFrom: (name: string) => t("business-voice-from", { name }),
    /** The description of a command in Telegram's menu. */
    command: (name: string) => t(`command-${name}`),
  } as const;
}

/** The bot's sentences in one language (see {@link textsFor}). */
export type BotTexts = ReturnType<typeof build>;

const cache = new Map<BotLocale, BotTexts>();

/** The sentences in `locale`, built once per locale. */
export function textsFor(locale: BotLocale): BotTexts {
  let found = cache.get(locale);
  if (found === undefined) {
    found = build(locale);
    cache.set(locale, found);
  }
  return found;
}

/** The sentences in the language of a Telegram `language_code` (see {@link botLocale}). */
export function textsForLanguage(languageCode: string | null | undefined): BotTexts {
  return textsFor(botLocale(languageCode));
}

/** The sentences for what the chat is told about a job: in its owner's language, stored with the job. */
export function textsForJob(job: { readonly ownerLocale?: string | null }): BotTexts {
  return textsForLanguage(job.ownerLocale);
}

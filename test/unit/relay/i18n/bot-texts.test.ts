import { afterEach, describe, expect, it, vi } from "vitest";
import { BOT_LOCALES, botLocale, textsFor, type BotTexts } from "../../../../relay/i18n/bot-texts";
import { pluralCategory } from "../../../../relay/i18n/plural";

/** Every sentence of `t`, functions called with sample arguments, by name. */
function everySentence(t: BotTexts): Record<string, string> {
  return {
    start: t.start,
    help: t.help,
    openApp: t.openApp,
    liveDraft: t.liveDraft("so far"),
    statusWorking: t.statusWorking,
    statusWaiting: t.statusWaiting(86_400),
    statusWaitingNoApp: t.statusWaitingNoApp(600),
    statusReminder: t.statusReminder(60),
    tooLarge: t.tooLarge(30 * 1024 * 1024, 20 * 1024 * 1024),
    unsupportedPhoto: t.unsupported("photo"),
    unsupportedDocument: t.unsupported("document", "application/pdf"),
    rateLimited: t.rateLimited(45),
    alreadyQueued: t.alreadyQueued,
    alreadyDone: t.alreadyDone,
    emptyTranscript: t.emptyTranscript,
    failed: t.failed("boom"),
    expired: t.expired(3600),
    retry: t.retry,
    partPlaceholder: t.partPlaceholder(2, 3),
    srtButton: t.srtButton,
    linkCode: t.linkCode("ABCD-EFGH", 10),
    linkOnlyPrivate: t.linkOnlyPrivate,
    unlinked0: t.unlinked(0),
    unlinked1: t.unlinked(1),
    unlinked5: t.unlinked(5),
    langCurrentAuto: t.langCurrent(null),
    langCurrent: t.langCurrent("de"),
    langSetAuto: t.langSet(null),
    langSet: t.langSet("de"),
    langInvalid: t.langInvalid("xx"),
    autoUsage: t.autoUsage,
    autoOnlyGroups: t.autoOnlyGroups,
    adminsOnly: t.adminsOnly,
    autoOn: t.autoSet(true),
    autoOff: t.autoSet(false),
    replyToVoice: t.replyToVoice,
    replyToTranscript: t.replyToTranscript,
    noTranscriptYet: t.noTranscriptYet,
    notYours: t.notYours,
    requeued: t.requeued,
    notRequeueable: t.notRequeueable,
    privateHint: t.privateHint,
    businessConnected: t.businessConnected,
    businessDisconnected: t.businessDisconnected,
    businessVoiceFrom: t.businessVoiceFrom("Bob"),
    ...Object.fromEntries(["start", "help", "link", "unlink", "lang", "srt", "transcribe", "auto"].map((name) => [`command-${name}`, t.command(name)])),
  };
}

describe("bot texts", () => {
  it("picks the bot's language from Telegram's language_code, English otherwise", () => {
    expect(botLocale("ru")).toBe("ru");
    expect(botLocale("de-AT")).toBe("de");
    expect(botLocale("es_MX")).toBe("es");
    expect(botLocale("EN")).toBe("en");
    expect(botLocale("fr")).toBe("en");
    expect(botLocale(undefined)).toBe("en");
    expect(botLocale(null)).toBe("en");
  });

  it("says everything in English as before, without isolation marks around values", () => {
    const en = textsFor("en");
    expect(en.statusWaiting(86_400)).toBe("Waiting for your device: open the app to transcribe this — it runs there. I'll keep it for 24 hours.");
    expect(en.rateLimited(1)).toBe("That's a lot of audio at once. Please send the next one in 1 second.");
    expect(en.tooLarge(30 * 1024 * 1024, 20 * 1024 * 1024)).toBe("This file is 30 MB; Telegram lets bots download files up to 20 MB. Send a shorter recording or a compressed version.");
    expect(en.unlinked(0)).toBe("No browser was connected.");
    expect(en.unlinked(3)).toBe("Signed out 3 browser sessions.");
    expect(en.linkCode("ABCD-EFGH", 10)).toBe("Your code: ABCD-EFGH\n\nEnter it in the app within 10 minutes to connect that browser. It works once.");
    expect(en.help.split("\n")[2]).toBe("/start – what I do, and the app button");
    expect(Object.values(everySentence(en)).join("")).not.toMatch(/[\u2068\u2069]/);
  });

  it("has every sentence in every language, translated (no key falls back to English or shows as {key})", () => {
    const english = everySentence(textsFor("en"));
    for (const locale of BOT_LOCALES.filter((code) => code !== "en")) {
      const sentences = everySentence(textsFor(locale));
      for (const [name, text] of Object.entries(sentences)) {
        expect(text, `${locale} ${name}`).not.toMatch(/^\{|[\u2068\u2069]/);
        expect(text, `${locale} ${name}`).not.toBe(english[name]);
      }
    }
  });

  it("uses Russian plural forms", () => {
    const ru = textsFor("ru");
    expect(ru.statusWaiting(86_400)).toContain("24 часа");
    expect(ru.statusWaiting(5 * 3600)).toContain("5 часов");
    expect(ru.statusWaiting(3600)).toContain("1 час.");
    expect(ru.rateLimited(60)).toContain("1 минуту");
    expect(ru.rateLimited(3)).toContain("3 секунды");
    expect(ru.unlinked(2)).toBe("Выполнен выход из 2 сеансов браузера.");
  });

  it("uses each language's CLDR plural forms beyond the simple cases", () => {
    expect([1, 2, 5, 11, 12, 21, 22, 25, 101, 111, 112].map((n) => pluralCategory("ru", n))).toEqual(["one", "few", "many", "many", "many", "one", "few", "many", "one", "many", "many"]);
    expect([0, 1, 2].map((n) => pluralCategory("de", n))).toEqual(["other", "one", "other"]);
    expect([1, 2, 1_000_000].map((n) => pluralCategory("es", n))).toEqual(["one", "other", "many"]);
    const ru = textsFor("ru");
    expect(ru.statusWaiting(21 * 3600)).toContain("21 час.");
    expect(ru.statusWaiting(22 * 3600)).toContain("22 часа");
    expect(ru.rateLimited(11)).toContain("11 секунд.");
    expect(ru.unlinked(21)).toBe("Выполнен выход из 21 сеанса браузера.");
    expect(textsFor("es").unlinked(1)).toBe("Cerrada 1 sesión de navegador.");
    expect(textsFor("de").unlinked(0)).toBe("Es war kein Browser verbunden.");
  });

  it("has a singular distinct from the plural for every counted sentence in every language (no bare `{ $n -> }`)", () => {
    for (const locale of BOT_LOCALES) {
      const t = textsFor(locale);
      const counted: [string, (n: number) => string, number][] = [
        ["hours", (n) => t.statusWaiting(n * 3600), 1],
        ["minutes", (n) => t.rateLimited(n * 60), 1],
        ["seconds", (n) => t.rateLimited(n), 1],
        ["sessions", (n) => t.unlinked(n), 1],
      ];
      for (const [what, say] of counted) {
        expect(say(1).replace("1", "#"), `${locale} ${what}`).not.toBe(say(5).replace("5", "#"));
      }
    }
  });

  it("writes decimals in each language's notation", () => {
    expect(textsFor("en").tooLarge(19.5 * 1024 * 1024, 20 * 1024 * 1024)).toContain("19.5 MB");
    expect(textsFor("de").tooLarge(19.5 * 1024 * 1024, 20 * 1024 * 1024)).toContain("19,5 MB");
    expect(textsFor("ru").tooLarge(19.5 * 1024 * 1024, 20 * 1024 * 1024)).toContain("19,5 MB");
  });
});

describe("bot texts without Intl", () => {
  const originals = { PluralRules: Intl.PluralRules, NumberFormat: Intl.NumberFormat, DateTimeFormat: Intl.DateTimeFormat };
  afterEach(() => Object.assign(Intl, originals));

  it("never constructs Intl formatters (they page ICU data into the relay's memory)", async () => {
    const used: string[] = [];
    for (const [name, ctor] of Object.entries(originals)) {
      Object.assign(Intl, { [name]: new Proxy(ctor, { construct: (target, args: unknown[]) => (used.push(name), Reflect.construct(target, args) as object) }) });
    }
    // Fresh engines, not the texts the tests above cached: loading and formatting both count.
    vi.resetModules();
    const fresh = await import("../../../../relay/i18n/bot-texts");
    for (const locale of BOT_LOCALES) expect(everySentence(fresh.textsFor(locale)).unlinked5).toMatch(/5/);
    expect(used).toEqual([]);
  });
});

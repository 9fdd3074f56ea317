import { describe, expect, it } from "vitest";
import { chooseLanguage, describeLanguageChoice, LANGUAGE_CONFIDENCE_THRESHOLD, preferredLanguages } from "../../../../lib/transcription/language-choice";

describe("preferredLanguages", () => {
  it("reads the chat's /lang, then Telegram's language_code, then the browser's, as Whisper codes without repeats", () => {
    expect(preferredLanguages({ chat: "German", telegram: "uk", browser: ["en-GB", "de-DE", "xx", "pt-BR"] })).toEqual([
      { code: "de", source: "chat" },
      { code: "uk", source: "telegram" },
      { code: "en", source: "browser" },
      { code: "pt", source: "browser" },
    ]);
    expect(preferredLanguages({ chat: null, telegram: "auto" })).toEqual([]);
  });
});

describe("chooseLanguage", () => {
  const prefs = preferredLanguages({ browser: ["de", "en"] });

  it("keeps a sure detection, whatever the user's languages", () => {
    expect(chooseLanguage([{ language: "fr", probability: 0.95 }], prefs)).toEqual({ reason: "detected", language: "fr", probability: 0.95 });
  });

  it("keeps an unsure detection that is one of the user's languages", () => {
    expect(chooseLanguage([{ language: "en", probability: 0.4 }, { language: "de", probability: 0.3 }], prefs)).toMatchObject({ reason: "detected", language: "en" });
  });

  it("prefers the user's language the model finds most likely when it is unsure", () => {
    const guesses = [{ language: "nl", probability: 0.45 }, { language: "en", probability: 0.3 }, { language: "de", probability: 0.2 }];
    expect(chooseLanguage(guesses, prefs)).toEqual({ reason: "preferred", language: "en", source: "browser", detected: { language: "nl", probability: 0.45 } });
  });

  it("says unsure when the user has no languages, and nothing without guesses", () => {
    expect(chooseLanguage([{ language: "nl", probability: 0.45 }], [])).toEqual({ reason: "unsure", language: "nl", probability: 0.45 });
    expect(chooseLanguage([], prefs)).toBeNull();
  });

  it("uses the measured threshold by default", () => {
    expect(chooseLanguage([{ language: "nl", probability: LANGUAGE_CONFIDENCE_THRESHOLD }], prefs)).toMatchObject({ reason: "detected" });
    expect(chooseLanguage([{ language: "nl", probability: LANGUAGE_CONFIDENCE_THRESHOLD - 0.01 }], prefs)).toMatchObject({ reason: "preferred" });
  });
});

describe("describeLanguageChoice", () => {
  it("says which language was used and why", () => {
    expect(describeLanguageChoice({ reason: "detected", language: "fr", probability: 0.953 })).toBe("French, detected (95% sure).");
    expect(describeLanguageChoice({ reason: "preferred", language: "de", source: "telegram", detected: { language: "nl", probability: 0.41 } })).toBe(
      "German, from your Telegram language: detection was unsure (Dutch, 41%).",
    );
    expect(describeLanguageChoice({ reason: "unsure", language: "nl", probability: 0.4 })).toMatch(/^Dutch, detected but unsure \(40%\); choose the language/);
  });
});

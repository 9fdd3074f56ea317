import { describe, expect, it } from "vitest";
import { describeJobLanguage, jobPreferredLanguages } from "../../../../lib/telegram/job-languages";
import { chooseLanguage } from "../../../../lib/transcription/language-choice";

const detect = { languageHint: null };

describe("jobPreferredLanguages", () => {
  it("prefers the owner's Telegram language kept with the job, then the browser's, without repeats", () => {
    expect(jobPreferredLanguages({ ...detect, ownerLanguageCode: "uk" }, { telegram: "en", browser: ["de-DE", "uk", "en-GB"] })).toEqual([
      { code: "uk", source: "telegram" },
      { code: "de", source: "browser" },
      { code: "en", source: "browser" },
    ]);
  });

  it("reads a region tag as its language (pt-BR is Portuguese)", () => {
    expect(jobPreferredLanguages({ ...detect, ownerLanguageCode: "pt-BR" }, { telegram: null, browser: [] })).toEqual([{ code: "pt", source: "telegram" }]);
  });

  it("falls back to the linked user's language when the job has none (an older relay)", () => {
    expect(jobPreferredLanguages(detect, { telegram: "es", browser: ["fr"] })).toEqual([
      { code: "es", source: "telegram" },
      { code: "fr", source: "browser" },
    ]);
  });

  it("leaves out languages Whisper does not know", () => {
    expect(jobPreferredLanguages({ ...detect, ownerLanguageCode: "tlh" }, { telegram: null, browser: ["x-pig-latin", "it"] })).toEqual([{ code: "it", source: "browser" }]);
  });

  it("prefers nothing when the chat's /lang forces the language", () => {
    expect(jobPreferredLanguages({ languageHint: "de", ownerLanguageCode: "uk" }, { telegram: "uk", browser: ["en"] })).toEqual([]);
  });

  it("lets an unsure detection fall to the owner's Telegram language before the browser's", () => {
    const preferred = jobPreferredLanguages({ ...detect, ownerLanguageCode: "uk" }, { telegram: null, browser: ["ru"] });
    const guesses = [
      { language: "pl", probability: 0.4 },
      { language: "uk", probability: 0.3 },
      { language: "ru", probability: 0.2 },
    ];
    expect(chooseLanguage(guesses, preferred)).toEqual({ reason: "preferred", language: "uk", source: "telegram", detected: { language: "pl", probability: 0.4 } });
  });
});

describe("describeJobLanguage", () => {
  it("says which language was used and why", () => {
    expect(describeJobLanguage(detect, { reason: "preferred", language: "uk", source: "telegram", detected: { language: "pl", probability: 0.4 } })).toBe(
      "Ukrainian, from your Telegram language: detection was unsure (Polish, 40%).",
    );
    expect(describeJobLanguage(detect, { reason: "detected", language: "en", probability: 0.93 })).toBe("English, detected (93% sure).");
    expect(describeJobLanguage({ languageHint: "de" }, undefined)).toBe("German, set in the chat with /lang.");
    expect(describeJobLanguage(detect, undefined)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { languageProbabilities, languageTokenIds, pickLanguage } from "@/lib/transcription/language-detect";

describe("languageTokenIds", () => {
  it("reads Whisper's lang_to_id table and ignores other tokens", () => {
    const ids = languageTokenIds({ lang_to_id: { "<|en|>": 50259, "<|zh|>": 50260, "<|haw|>": 50352, "<|yue|>": 50358, bogus: 1 } });
    expect([...ids.entries()]).toEqual([
      ["en", 50259],
      ["zh", 50260],
      ["haw", 50352],
      ["yue", 50358],
    ]);
  });

  it("is empty for configs without a table", () => {
    expect(languageTokenIds(null).size).toBe(0);
    expect(languageTokenIds({}).size).toBe(0);
    expect(languageTokenIds({ lang_to_id: 3 }).size).toBe(0);
  });
});

describe("pickLanguage", () => {
  it("picks the language token with the highest logit", () => {
    const logits = new Float32Array(10);
    logits[3] = 2;
    logits[5] = 7;
    logits[9] = 100; // not a language token
    expect(pickLanguage(logits, new Map([["en", 3], ["ja", 5]]))).toBe("ja");
  });

  it("returns null with no languages", () => {
    expect(pickLanguage(new Float32Array(3), new Map())).toBeNull();
  });
});

describe("languageProbabilities", () => {
  it("is a softmax over the language tokens only, most likely first", () => {
    const logits = new Float32Array(10);
    logits[3] = Math.log(3);
    logits[5] = Math.log(1);
    logits[9] = 100; // not a language token
    const guesses = languageProbabilities(logits, new Map([["en", 3], ["ja", 5]]));
    expect(guesses.map((g) => g.language)).toEqual(["en", "ja"]);
    expect(guesses[0]?.probability).toBeCloseTo(0.75, 6);
    expect(guesses[1]?.probability).toBeCloseTo(0.25, 6);
  });

  it("agrees with pickLanguage and is empty with no languages", () => {
    const logits = Float32Array.from([0.1, 5, -2, 4.9]);
    const languages = new Map([["a", 0], ["b", 1], ["c", 2], ["d", 3]]);
    expect(languageProbabilities(logits, languages)[0]?.language).toBe(pickLanguage(logits, languages));
    expect(languageProbabilities(logits, new Map())).toEqual([]);
  });
});

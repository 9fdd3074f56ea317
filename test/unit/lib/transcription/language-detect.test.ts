import { describe, expect, it } from "vitest";
import { languageTokenIds, pickLanguage } from "@/lib/transcription/language-detect";

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

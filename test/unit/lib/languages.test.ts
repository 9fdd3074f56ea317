import { describe, expect, test } from "vitest";
import { isWhisperLanguage, languageName, whisperLanguageCode } from "@/lib/languages";

describe("whisperLanguageCode", () => {
  test.each([
    [" Auto ", null],
    ["", null],
    ["pt-BR", "pt"],
    ["zh_CN", "zh"],
    ["burmese", "my"],
    ["Khmer", "km"],
    [" EN ", "en"],
    ["haw", "haw"],
    ["klingon", null],
    ["xx-YY", null],
  ])("%j → %j", (input, code) => {
    expect(whisperLanguageCode(input)).toBe(code);
  });
});

describe("language table", () => {
  test("names and membership", () => {
    expect(languageName("km")).toBe("Khmer");
    expect(languageName(null)).toBe("unknown");
    expect(isWhisperLanguage("yue")).toBe(true);
    expect(isWhisperLanguage("toString")).toBe(false);
  });
});

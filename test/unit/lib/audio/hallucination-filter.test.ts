import { describe, expect, it } from "vitest";
import { isLikelyHallucination, matchHallucination, normalizeForHallucination, shouldDiscardTranscript } from "../../../../lib/audio/hallucination-filter";
import { analyzeSpeech } from "../../../../lib/audio/silence-gate";
import { RATE, concat, silence, speech } from "../../../support/speech-signals";

describe("matchHallucination", () => {
  it.each([
    "Thanks for watching!",
    " Thank you for watching.",
    "THANK YOU FOR WATCHING",
    "ご視聴ありがとうございました",
    "ご視聴ありがとうございました。",
    "Subtitles by the Amara.org community",
    "Продолжение следует...",
    "Субтитры сделал DimaTorzok",
    "Untertitel im Auftrag des ZDF für funk, 2017",
    "Sous-titres réalisés para la communauté d'Amara.org",
    "字幕由Amara.org社区提供",
    "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
    "MBC 뉴스 이덕영입니다.",
    "Thanks for watching! Please subscribe.",
    "♪",
    "♪♪♪",
    "...",
    "[Music]",
    "(upbeat music)",
    "[BLANK_AUDIO]",
    "*sigh*",
  ])("recognises %j as strong", (text) => {
    expect(matchHallucination(text)?.strength).toBe("strong");
    expect(isLikelyHallucination(text)).toBe(true);
  });

  it.each(["you", "Thank you.", "Thank you. Thank you. Thank you.", "Bye!", "Спасибо.", "ありがとうございました", "Thank you very much!"])(
    "recognises %j as weak",
    (text) => {
      expect(matchHallucination(text)?.strength).toBe("weak");
    },
  );

  it("calls a mix of weak and strong phrases strong", () => {
    expect(matchHallucination("Thank you. Thanks for watching!")).toEqual({ strength: "strong", phrases: ["thank you", "thanks for watching"] });
  });

  it.each([
    "",
    "   ",
    "Hello, this is a real voice message.",
    "Thank you for the report, I'll check it tomorrow.",
    "Thanks for watching the kids yesterday!",
    "youth",
    "Subtitles are hard to get right.",
    "ご視聴ありがとうございました と彼は言った",
    "Спасибо, что пришли вовремя.",
  ])("leaves ordinary text alone: %j", (text) => {
    expect(matchHallucination(text)).toBeNull();
    expect(isLikelyHallucination(text)).toBe(false);
  });

  it("leaves very long text alone", () => {
    expect(isLikelyHallucination("Thank you. ".repeat(300))).toBe(false);
    expect(isLikelyHallucination("Thank you. ".repeat(50))).toBe(true);
  });

  it("normalises case, punctuation, symbols and annotations", () => {
    expect(normalizeForHallucination("  Thanks — for WATCHING!!! ♪ [Music] ")).toBe("thanks for watching");
    expect(normalizeForHallucination("Ｔｈａｎｋｓ")).toBe("thanks");
  });
});

describe("shouldDiscardTranscript", () => {
  it("drops a strong hallucination unless there was a lot of speech", () => {
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 0.5 })).toBe(true);
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 2.9 })).toBe(true);
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 3 })).toBe(false);
  });

  it("drops a weak one only when there was next to no speech", () => {
    expect(shouldDiscardTranscript("Thank you.", { voicedSeconds: 0.2 })).toBe(true);
    expect(shouldDiscardTranscript("Thank you.", { voicedSeconds: 0.6 })).toBe(false);
  });

  it("always drops empty text and never drops ordinary text", () => {
    expect(shouldDiscardTranscript(" ", { voicedSeconds: 10 })).toBe(true);
    expect(shouldDiscardTranscript("Call me back.", { voicedSeconds: 0 })).toBe(false);
  });

  it("honours its limits", () => {
    expect(shouldDiscardTranscript("Thank you.", { voicedSeconds: 0.6 }, { weakBelowSeconds: 1 })).toBe(true);
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 1 }, { strongBelowSeconds: 0.5 })).toBe(false);
  });

  it("works on a real analysis", () => {
    const cough = concat(silence(2), speech(0.6).subarray(0.2 * RATE, 0.5 * RATE), silence(2));
    const analysis = analyzeSpeech(cough);
    expect(shouldDiscardTranscript("Thanks for watching!", analysis)).toBe(true);
  });
});

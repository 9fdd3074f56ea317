import { describe, expect, it } from "vitest";
import { splitMessage, TELEGRAM_TEXT_LIMIT } from "../../../relay/split-message";

describe("splitMessage", () => {
  it("keeps short text whole", () => {
    expect(splitMessage("hello")).toEqual(["hello"]);
    expect(splitMessage("")).toEqual([""]);
  });

  it("never exceeds the limit and loses no words", () => {
    const words = Array.from({ length: 3000 }, (_, i) => `word${i}`);
    const text = words.join(" ");
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(parts.join(" ").split(" ")).toEqual(words);
  });

  it("prefers paragraph, then sentence boundaries", () => {
    const paragraph = "a".repeat(60);
    expect(splitMessage(`${paragraph}\n\n${paragraph}`, 100)).toEqual([paragraph, paragraph]);
    expect(splitMessage(`${"b".repeat(50)}. ${"c".repeat(70)}`, 100)).toEqual([`${"b".repeat(50)}.`, "c".repeat(70)]);
  });

  it("cuts text without spaces hard but not inside a surrogate pair", () => {
    const text = `${"x".repeat(99)}😀${"y".repeat(10)}`;
    const parts = splitMessage(text, 100);
    expect(parts[0]).toBe("x".repeat(99));
    expect(parts.join("")).toBe(text);
  });
});

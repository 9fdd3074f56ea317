import { describe, expect, it } from "vitest";
import { findLoopInSequence, findTailLoop, MIN_LOOP_TOKENS } from "@/lib/transcription/repetition-guard";

const repeat = (unit: number[], times: number): number[] => Array.from({ length: times }, () => unit).flat();

describe("findTailLoop", () => {
  it("finds one token repeated until the limit, as in Whisper's '天天天…' loop, and keeps one copy", () => {
    const tokens = [5, 6, 7, ...repeat([9], 40)];
    expect(findTailLoop(tokens)).toEqual({ period: 1, repeats: 40, cut: 4 });
  });

  it("finds a repeated sentence and reports its shortest unit", () => {
    const sentence = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    const tokens = [1, 2, ...repeat(sentence, 5)];
    expect(findTailLoop(tokens)).toEqual({ period: 10, repeats: 5, cut: 12 });
    expect(findTailLoop(repeat([3, 4], 20))).toEqual({ period: 2, repeats: 20, cut: 2 });
  });

  it("counts a partial copy at the tail as part of the loop but cuts on a whole unit", () => {
    const tokens = [1, ...repeat([7, 8, 9], 12), 7];
    const loop = findTailLoop(tokens);
    expect(loop).toEqual({ period: 3, repeats: 12, cut: 5 });
  });

  it("leaves short repetitions that real speech has alone", () => {
    expect(findTailLoop([1, 2, ...repeat([40, 41], 4)])).toBeNull(); // "no, no, no, no"
    expect(findTailLoop(repeat([9], MIN_LOOP_TOKENS - 1))).toBeNull();
    expect(findTailLoop(repeat([9], MIN_LOOP_TOKENS))).not.toBeNull();
    expect(findTailLoop(repeat([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 3))).toBeNull(); // a chorus sung three times
  });

  it("only looks at the tail: a loop that has ended is not a loop", () => {
    expect(findTailLoop([...repeat([9], 40), 1, 2, 3])).toBeNull();
  });

  it("ignores units longer than the longest period looked for", () => {
    const unit = Array.from({ length: 30 }, (_, index) => index + 100);
    expect(findTailLoop(repeat(unit, 5))).toBeNull();
    expect(findTailLoop(repeat(unit, 5), { maxPeriod: 30 })).toEqual({ period: 30, repeats: 5, cut: 30 });
  });

  it("handles empty and short input", () => {
    expect(findTailLoop([])).toBeNull();
    expect(findTailLoop([1, 1, 1])).toBeNull();
  });
});

describe("findLoopInSequence", () => {
  const EOT = 50257;
  const ts = (seconds: number) => EOT + 107 + Math.round(seconds / 0.02); // a timestamp token id
  const prompt = [50258, 50259, 50360];

  it("skips timestamp tokens, which differ between the copies of a looping sentence", () => {
    const sentence = [464, 2068, 7586, 21831];
    const ids: bigint[] = [...prompt, ts(0), 40, 41, ts(1)].map(BigInt);
    for (let copy = 0; copy < 9; copy += 1) ids.push(...[ts(1 + copy), ...sentence, ts(2 + copy)].map(BigInt));
    const loop = findLoopInSequence(ids, EOT, prompt.length);
    expect(loop).not.toBeNull();
    expect(loop?.period).toBe(4);
    expect(loop?.repeats).toBe(9);
    // The first copy is kept whole, with the timestamp that closes it; the second copy is cut.
    const cut = loop?.cut ?? 0;
    expect(ids.slice(0, cut).map(Number)).toEqual([...prompt, ts(0), 40, 41, ts(1), ts(1), ...sentence, ts(2)]);
  });

  it("never counts the prompt", () => {
    const ids = [...repeat([50258], 40), 1, 2, 3];
    expect(findLoopInSequence(ids, EOT)).toBeNull();
    expect(findLoopInSequence([...prompt, ...repeat([220], 40)], EOT, prompt.length)?.cut).toBe(prompt.length + 1);
  });
});

// Scoring of `npm run bench:vad`: frame decisions against the truth, Silero's probabilities as
// frame decisions (plain threshold, or silero-vad's get_speech_timestamps smoothing), the table.
import { describe, expect, it } from "vitest";
import {
  addCounts,
  countFrames,
  countTrue,
  falseSpeechRate,
  markdownTable,
  median,
  NO_FRAMES,
  precisionRecall,
  ratio,
  smoothFrames,
  thresholdFrames,
} from "../../../../scripts/vad/scoring";

const SMOOTHING = { threshold: 0.5, negThreshold: 0.35, minSpeechFrames: 2, minSilenceFrames: 2, padFrames: 0 };

describe("countFrames and precisionRecall", () => {
  it("counts hits, false alarms, misses and rejections", () => {
    const counts = countFrames([true, true, false, false, true], [true, false, true, false, true]);
    expect(counts).toEqual({ tp: 2, fp: 1, fn: 1, tn: 1 });
    const { precision, recall, f1 } = precisionRecall(counts);
    expect(precision).toBeCloseTo(2 / 3);
    expect(recall).toBeCloseTo(2 / 3);
    expect(f1).toBeCloseTo(2 / 3);
  });

  it("scores only the frames both have", () => {
    expect(countFrames([true, true, true], [true])).toEqual({ tp: 1, fp: 0, fn: 0, tn: 0 });
  });

  it("leaves ratios with nothing to divide by undefined, and a detector that finds nothing at F1 0", () => {
    expect(precisionRecall({ tp: 0, fp: 0, fn: 0, tn: 5 }).f1).toBeNaN();
    expect(precisionRecall({ tp: 0, fp: 0, fn: 3, tn: 5 })).toEqual({ precision: Number.NaN, recall: 0, f1: 0 });
    expect(ratio(Number.NaN)).toBe("—");
    expect(ratio(0.456)).toBe("0.46");
  });

  it("adds counts, and gives the false-speech share of all frames", () => {
    const total = addCounts(addCounts(NO_FRAMES, { tp: 0, fp: 1, fn: 0, tn: 3 }), { tp: 0, fp: 1, fn: 0, tn: 5 });
    expect(total).toEqual({ tp: 0, fp: 2, fn: 0, tn: 8 });
    expect(falseSpeechRate(total)).toBeCloseTo(0.2);
    expect(falseSpeechRate(NO_FRAMES)).toBeNaN();
  });
});

describe("thresholdFrames", () => {
  it("keeps frames at or above the threshold", () => {
    expect(thresholdFrames(Float32Array.from([0.2, 0.5, 0.9, 0.34]), 0.5)).toEqual([false, true, true, false]);
    expect(countTrue(thresholdFrames([0.2, 0.5, 0.9, 0.35], 0.35))).toBe(3);
  });
});

describe("smoothFrames", () => {
  it("bridges dips shorter than the minimum silence and stays on between the two thresholds", () => {
    const p = [0.1, 0.9, 0.9, 0.4, 0.2, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1];
    expect(smoothFrames(p, SMOOTHING)).toEqual([false, true, true, true, true, true, true, true, false, false, false, false]);
  });

  it("drops segments not longer than the minimum speech", () => {
    expect(smoothFrames([0.9, 0.9, 0.1, 0.1, 0.1, 0.1], SMOOTHING)).toEqual([false, false, false, false, false, false]);
    expect(smoothFrames([0.9, 0.9, 0.9, 0.1, 0.1, 0.1], SMOOTHING)).toEqual([true, true, true, false, false, false]);
  });

  it("keeps speech running to the end, and pads segments within the frames", () => {
    expect(smoothFrames([0.1, 0.1, 0.9, 0.9, 0.9], SMOOTHING)).toEqual([false, false, true, true, true]);
    expect(smoothFrames([0.1, 0.1, 0.9, 0.9, 0.9], { ...SMOOTHING, padFrames: 1 })).toEqual([false, true, true, true, true]);
    expect(smoothFrames([], SMOOTHING)).toEqual([]);
  });
});

describe("median and markdownTable", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("writes a header, a rule and the rows", () => {
    expect(markdownTable(["a", "b"], [["1", "2"]])).toBe("| a | b |\n| --- | --- |\n| 1 | 2 |");
  });
});

// The corpus timelines of `npm run bench:vad`: where a clip speaks, clips and beds mixed into a
// window with the speech moved to where it landed, and each frame's truth.
import { describe, expect, it } from "vitest";
import { frameTruth, gainTo, mergeIntervals, mixWindow, rms, speechIntervals, speechSeconds } from "../../../../scripts/vad/timeline";

/** A clip of `length` zeros with `value` over each `[start, end)`. */
function clip(length: number, spans: [number, number][], value = 0.5): Float32Array {
  const samples = new Float32Array(length);
  for (const [start, end] of spans) samples.fill(value, start, end);
  return samples;
}

describe("mergeIntervals", () => {
  it("sorts, joins overlapping and touching intervals, and drops empty ones", () => {
    expect(mergeIntervals([{ start: 10, end: 20 }, { start: 0, end: 5 }, { start: 5, end: 8 }, { start: 15, end: 30 }, { start: 40, end: 40 }])).toEqual([
      { start: 0, end: 8 },
      { start: 10, end: 30 },
    ]);
  });
});

describe("speechIntervals", () => {
  it("leaves out the clip's own leading and trailing silence", () => {
    expect(speechIntervals(clip(100, [[12, 80]]), { silence: 1e-4, minGap: 10 })).toEqual([{ start: 12, end: 80 }]);
  });

  it("counts short pauses as speech and splits at long ones", () => {
    const samples = clip(200, [[10, 30], [35, 50], [90, 120]]);
    expect(speechIntervals(samples, { silence: 1e-4, minGap: 10 })).toEqual([
      { start: 10, end: 50 },
      { start: 90, end: 120 },
    ]);
  });

  it("ignores samples at or below the silence level, and finds none in silence", () => {
    expect(speechIntervals(clip(50, [[0, 50]], 1e-5), { silence: 1e-4, minGap: 5 })).toEqual([]);
    expect(speechIntervals(new Float32Array(0), { silence: 1e-4, minGap: 5 })).toEqual([]);
  });
});

describe("rms and gainTo", () => {
  it("measures over the given intervals only", () => {
    const samples = clip(100, [[0, 50]], 0.5);
    expect(rms(samples)).toBeCloseTo(Math.sqrt(0.125));
    expect(rms(samples, [{ start: 0, end: 50 }])).toBeCloseTo(0.5);
    expect(rms(samples, [{ start: 90, end: 200 }])).toBe(0);
  });

  it("brings an RMS to a level in dBFS, and leaves silence silent", () => {
    expect(0.5 * gainTo(0.5, -20)).toBeCloseTo(0.1);
    expect(gainTo(0, -20)).toBe(0);
  });
});

describe("mixWindow", () => {
  it("repeats the bed, adds clips at their places and moves their speech there", () => {
    const bed = Float32Array.from([1, 2]);
    const speech = clip(10, [[2, 6]], 1);
    const window = mixWindow(12, bed, 0.5, [{ clip: speech, speech: [{ start: 2, end: 6 }], at: 3, gain: 2 }]);
    expect(Array.from(window.samples)).toEqual([0.5, 1, 0.5, 1, 0.5, 3, 2.5, 3, 2.5, 1, 0.5, 1]);
    expect(window.truth).toEqual([{ start: 5, end: 9 }]);
  });

  it("cuts clips and their speech at the window's end and merges overlapping speech", () => {
    const speech = clip(10, [[0, 10]], 1);
    const window = mixWindow(8, null, 0, [
      { clip: speech, speech: [{ start: 0, end: 10 }], at: 4, gain: 1 },
      { clip: speech, speech: [{ start: 0, end: 3 }], at: 2, gain: 1 },
    ]);
    expect(window.samples.length).toBe(8);
    expect(Array.from(window.samples)).toEqual([0, 0, 1, 1, 2, 2, 2, 2]);
    expect(window.truth).toEqual([{ start: 2, end: 8 }]);
  });

  it("has no truth without speech placements", () => {
    const window = mixWindow(4, Float32Array.from([0.1]), 1, [{ clip: Float32Array.from([1]), speech: [], at: 0, gain: 1 }]);
    expect(window.truth).toEqual([]);
    expect(window.samples[0]).toBeCloseTo(1.1);
  });
});

describe("frameTruth and speechSeconds", () => {
  it("calls a frame speech when at least half of it is speech", () => {
    const truth = [{ start: 5, end: 14 }, { start: 30, end: 32 }];
    expect(frameTruth(truth, 10, 4)).toEqual([true, false, false, false]);
    expect(frameTruth([{ start: 4, end: 14 }], 10, 2)).toEqual([true, false]);
    expect(frameTruth([{ start: 4, end: 15 }], 10, 2)).toEqual([true, true]);
    expect(frameTruth([{ start: 4, end: 20 }], 10, 3)).toEqual([true, true, false]);
  });

  it("adds up the seconds of speech", () => {
    expect(speechSeconds([{ start: 0, end: 8000 }, { start: 16_000, end: 32_000 }], 16_000)).toBe(1.5);
  });
});

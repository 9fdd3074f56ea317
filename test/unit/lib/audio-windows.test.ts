import { describe, expect, it } from "vitest";
import { appendWindowSegments, planWindows, segmentsToText, SAMPLE_RATE } from "@/lib/audio-windows";

const s = (seconds: number) => seconds * SAMPLE_RATE;

describe("planWindows", () => {
  it("has no window for empty audio and one for a short clip", () => {
    expect(planWindows(0)).toEqual([]);
    expect(planWindows(s(5))).toEqual([{ index: 0, start: 0, end: s(5) }]);
    expect(planWindows(s(30))).toEqual([{ index: 0, start: 0, end: s(30) }]);
  });

  it("steps 28 s at a time so neighbours share 2 s", () => {
    const windows = planWindows(s(70));
    expect(windows.map((w) => [w.start / SAMPLE_RATE, w.end / SAMPLE_RATE])).toEqual([
      [0, 30],
      [28, 58],
      [56, 70],
    ]);
  });

  it("covers every sample of an hour exactly once or in an overlap", () => {
    const windows = planWindows(s(3600));
    expect(windows[0]?.start).toBe(0);
    expect(windows.at(-1)?.end).toBe(s(3600));
    for (let i = 1; i < windows.length; i += 1) expect(windows[i]?.start).toBeLessThan(windows[i - 1]?.end ?? 0);
    expect(windows.length).toBe(129);
  });

  it("rejects an overlap as long as the window", () => {
    expect(() => planWindows(s(60), { windowSeconds: 30, overlapSeconds: 30 })).toThrow(RangeError);
  });
});

describe("appendWindowSegments", () => {
  const [w0, w1] = planWindows(s(50));

  it("offsets later windows and drops what the overlap already said", () => {
    if (w0 === undefined || w1 === undefined) throw new Error("expected two windows");
    let kept = appendWindowSegments([], [{ start: 0, end: 10, text: " one " }, { start: 27, end: 30, text: "two" }], w0, undefined);
    kept = appendWindowSegments(kept, [{ start: 0.5, end: 2, text: "two" }, { start: 3, end: 9, text: "three" }], w1, w0);
    expect(kept).toEqual([
      { start: 0, end: 10, text: "one" },
      { start: 27, end: 30, text: "two" },
      { start: 31, end: 37, text: "three" },
    ]);
    expect(segmentsToText(kept)).toBe("one two three");
  });

  it("lets the later window own speech that starts after the middle of the overlap", () => {
    if (w0 === undefined || w1 === undefined) throw new Error("expected two windows");
    let kept = appendWindowSegments([], [{ start: 29.5, end: 30, text: "cut" }], w0, undefined);
    kept = appendWindowSegments(kept, [{ start: 1.5, end: 3, text: "whole" }], w1, w0);
    expect(segmentsToText(kept)).toBe("whole");
  });

  it("drops empty segments", () => {
    if (w0 === undefined) throw new Error("expected a window");
    expect(appendWindowSegments([], [{ start: 0, end: 1, text: "  " }], w0, undefined)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { activeSegmentIndex, SEGMENT_HOLD_SECONDS } from "../../../../lib/transcript/active-segment";

const segments = [
  { start: 0.5, end: 2, text: "a" },
  { start: 2, end: 4, text: "b" },
  { start: 10, end: 12, text: "c" },
];

describe("activeSegmentIndex", () => {
  it("is the segment whose time it is, the later one at a boundary", () => {
    expect(activeSegmentIndex(segments, 1)).toBe(0);
    expect(activeSegmentIndex(segments, 2)).toBe(1);
    expect(activeSegmentIndex(segments, 11.9)).toBe(2);
  });

  it("is none before the first segment, after a long silence, past the end and for bad times", () => {
    expect(activeSegmentIndex(segments, 0.2)).toBe(-1);
    expect(activeSegmentIndex(segments, 4 + SEGMENT_HOLD_SECONDS + 0.1)).toBe(-1);
    expect(activeSegmentIndex(segments, 20)).toBe(-1);
    expect(activeSegmentIndex(segments, Number.NaN)).toBe(-1);
    expect(activeSegmentIndex([], 1)).toBe(-1);
  });

  it("holds a segment through a short pause", () => {
    expect(activeSegmentIndex(segments, 4.5)).toBe(1);
  });

  it("finds the right one among thousands", () => {
    const many = Array.from({ length: 5_000 }, (_, i) => ({ start: i * 2, end: i * 2 + 2, text: String(i) }));
    expect(activeSegmentIndex(many, 4_321.5)).toBe(2_160);
  });
});

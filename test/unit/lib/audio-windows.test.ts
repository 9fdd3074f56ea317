import { describe, expect, it } from "vitest";
import { segmentsToText, stepWindow, SAMPLE_RATE } from "@/lib/audio-windows";

const s = (seconds: number) => seconds * SAMPLE_RATE;

describe("stepWindow", () => {
  const window = s(30);

  it("keeps complete segments with absolute times and moves on by a whole window", () => {
    const step = stepWindow([{ start: 0, end: 4, text: " one " }, { start: 4, end: 9, text: "two" }], s(60), window, false);
    expect(step.keep).toEqual([
      { start: 60, end: 64, text: "one" },
      { start: 64, end: 69, text: "two" },
    ]);
    expect(step.nextStart).toBe(s(90));
  });

  it("drops a last segment that runs into the window's end and starts the next window there", () => {
    const step = stepWindow([{ start: 0, end: 12, text: "whole" }, { start: 12, end: 30, text: "cut off" }], 0, window, false);
    expect(segmentsToText(step.keep)).toBe("whole");
    expect(step.nextStart).toBe(s(12));
  });

  it("keeps a cut segment when stepping back would barely advance", () => {
    const step = stepWindow([{ start: 2, end: 30, text: "long" }], 0, window, false);
    expect(segmentsToText(step.keep)).toBe("long");
    expect(step.nextStart).toBe(s(30));
  });

  it("keeps everything in the last window and clamps times to it", () => {
    const step = stepWindow([{ start: 0, end: 20.5, text: "end" }], s(60), s(10), true);
    expect(step.keep).toEqual([{ start: 60, end: 70, text: "end" }]);
    expect(step.nextStart).toBe(s(70));
  });

  it("drops empty segments", () => {
    expect(stepWindow([{ start: 0, end: 1, text: "  " }], 0, window, true).keep).toEqual([]);
  });
});

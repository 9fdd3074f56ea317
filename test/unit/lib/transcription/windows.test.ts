import { describe, expect, it } from "vitest";
import { resumePoint, segmentsToText, stepWindow } from "@/lib/transcription/windows";
import { SAMPLE_RATE } from "@/lib/audio/sample-rate";

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

  it("starts the next window where the decoder opened a segment it did not finish", () => {
    // The decoder closed "work." at 28.08 s, opened a segment there and stopped: the sentence that
    // begins at 28.08 s was cut by the window's edge and must be heard whole in the next window.
    const segments = [
      { start: 19.64, end: 25.6, text: "found a small cafe" },
      { start: 25.6, end: 28.08, text: "hurry to work." },
    ];
    const step = stepWindow(segments, s(30), window, false, 28.08);
    expect(step.keep.map((segment) => segment.text)).toEqual(["found a small cafe", "hurry to work."]);
    expect(step.nextStart).toBe(s(58.08));
  });

  it("drops what follows the resume point and takes the earlier of it and a cut-off tail", () => {
    const step = stepWindow([{ start: 0, end: 20, text: "kept" }, { start: 20, end: 30, text: "open" }], 0, window, false, 20);
    expect(segmentsToText(step.keep)).toBe("kept");
    expect(step.nextStart).toBe(s(20));
  });

  it("ignores a resume point in the last window or too close to the window's start", () => {
    expect(stepWindow([{ start: 0, end: 10, text: "end" }], 0, s(12), true, 10).nextStart).toBe(s(12));
    const early = stepWindow([{ start: 0, end: 3, text: "hi" }], 0, window, false, 3);
    expect(early.nextStart).toBe(s(30));
    expect(segmentsToText(early.keep)).toBe("hi");
  });
});

describe("resumePoint", () => {
  const TS = 1000; // first timestamp token
  const EOT = 900;
  const ts = (seconds: number) => TS + Math.round(seconds / 0.02);

  it("is null when the window ends on a single closing timestamp", () => {
    expect(resumePoint([ts(0), 1, 2, ts(4), ts(4), 3, ts(9), EOT], TS, EOT)).toBeNull();
  });

  it("is the last timestamp when the decoder opened a segment and stopped", () => {
    expect(resumePoint([ts(0), 1, ts(4), ts(4), 2, ts(28.08), ts(28.08), EOT], TS, EOT)).toBe(28.08);
  });

  it("is the start of an unfinished last segment", () => {
    expect(resumePoint([ts(0), 1, ts(4), ts(4), 2, 3], TS, EOT)).toBe(4);
  });

  it("is null without a timestamp pair to go back to", () => {
    expect(resumePoint([ts(0), 1, 2, 3], TS, EOT)).toBeNull();
    expect(resumePoint([1, 2, 3, EOT], TS, EOT)).toBeNull();
    expect(resumePoint([], TS, EOT)).toBeNull();
  });
});

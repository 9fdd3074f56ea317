import { describe, expect, it } from "vitest";
import { resample } from "../../../../lib/audio/format";
import { StreamingResampler } from "../../../../lib/audio/streaming-resampler";
import { chunked, maxDifference, tone } from "../../../support/audio-signals";

describe("StreamingResampler", () => {
  it.each([
    [48_000, 16_000],
    [44_100, 16_000],
    [22_050, 16_000],
    [8_000, 16_000],
    [96_000, 16_000],
    [16_000, 16_000],
  ])("matches one resample() call from %i Hz", (from, to) => {
    const input = tone(Math.round(from * 1.37), from);
    const streaming = new StreamingResampler(from, to, 0.25);
    for (const chunk of chunked(input, [128, 1000, 4096, 7, 2400])) streaming.push(chunk);
    expect(streaming.inputLength).toBe(input.length);
    const expected = resample(input, from, to);
    const actual = streaming.finish();
    expect(actual.length).toBe(expected.length);
    expect(maxDifference(actual, expected)).toBeLessThan(1e-5);
  });

  it("handles recordings shorter than one block, and empty ones", () => {
    const short = tone(300, 48_000);
    const streaming = new StreamingResampler(48_000);
    streaming.push(short);
    expect(maxDifference(streaming.finish(), resample(short, 48_000, 16_000))).toBeLessThan(1e-6);
    expect(new StreamingResampler(48_000).finish()).toHaveLength(0);
  });

  it("keeps only a bounded amount of input while recording", () => {
    const streaming = new StreamingResampler(48_000, 16_000, 0.5);
    const chunk = tone(4800, 48_000);
    for (let i = 0; i < 100; i += 1) streaming.push(chunk); // 10 s
    const buffered = Reflect.get(streaming, "bufferLength");
    expect(typeof buffered === "number" && buffered < 48_000 * 1.5).toBe(true);
    expect(streaming.finish().length).toBe(Math.floor((4800 * 100) / 3));
  });

  it("hands out its output as it goes with take(), and finish() adds only the rest", () => {
    const input = tone(48_000 * 3, 44_100);
    const streaming = new StreamingResampler(44_100);
    const parts: Float32Array[] = [];
    for (const chunk of chunked(input, [4410, 999, 12_000])) {
      streaming.push(chunk);
      parts.push(streaming.take());
      expect(streaming.pendingOutput).toBe(0);
    }
    parts.push(streaming.finish());
    const joined = Float32Array.from(parts.flatMap((part) => Array.from(part)));
    const expected = resample(input, 44_100, 16_000);
    expect(joined.length).toBe(expected.length);
    expect(maxDifference(joined, expected)).toBeLessThan(1e-5);
  });

  it("refuses bad rates", () => {
    expect(() => new StreamingResampler(0)).toThrow(RangeError);
    expect(() => new StreamingResampler(48_000, Number.NaN)).toThrow(RangeError);
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resample } from "@/lib/audio/format";
import { openStreamSource } from "@/lib/audio/stream-source";
import { readWav, writeWav, type PcmAudio } from "../../../support/wav";

/** A tone with a slow sweep, so every window's samples differ. */
function tone(sampleRate: number, seconds: number): PcmAudio {
  const samples = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i += 1) samples[i] = 0.5 * Math.sin((2 * Math.PI * (200 + i / sampleRate) * i) / sampleRate);
  return { sampleRate, samples };
}

/** The WAV as a Blob, and the samples a reader of that file sees. */
function wavFile(audio: PcmAudio): { blob: Blob; samples: Float32Array } {
  const path = join(mkdtempSync(join(tmpdir(), "stream-")), "clip.wav");
  writeWav(path, audio);
  return { blob: new Blob([readFileSync(path)]), samples: readWav(path).samples };
}

async function open(blob: Blob) {
  const source = await openStreamSource(blob, "“clip.wav”");
  if (source === null) throw new Error("a 16-bit WAV should stream");
  return source;
}

describe("StreamSource", () => {
  it("reads a 16 kHz WAV window by window with the file's own samples, holding about a window", async () => {
    const { blob, samples } = wavFile(tone(16_000, 95));
    const source = await open(blob);
    expect(source.length).toBe(samples.length);
    const window = 30 * 16_000;
    for (const start of [0, 25 * 16_000, 55 * 16_000, 85 * 16_000]) {
      const read = await source.read(start, start + window);
      expect(read.length).toBe(Math.min(window, samples.length - start));
      expect(Array.from(read.subarray(0, 50))).toEqual(Array.from(samples.subarray(start, start + 50)));
      expect(read.at(-1)).toBe(samples[start + read.length - 1]);
    }
    expect(source.length).toBe(samples.length);
    // A window plus what one decoded chunk and the resampler add: far from the file's 1.52 M samples.
    expect(source.peakBufferedSamples).toBeLessThan(window * 1.5);
  });

  it("is exact in length only once the end is read, and more than any window read before", async () => {
    const { blob, samples } = wavFile(tone(16_000, 40));
    const source = await open(blob);
    await source.read(0, 16_000);
    expect(source.length).toBeGreaterThan(16_000);
    expect(await source.read(30 * 16_000, 60 * 16_000)).toHaveLength(samples.length - 30 * 16_000);
    expect(source.length).toBe(samples.length);
    expect(source.duration).toBeCloseTo(40, 3);
  });

  it("resamples other rates to 16 kHz as resample() does over the whole file", async () => {
    const { blob, samples } = wavFile(tone(22_050, 12));
    const whole = resample(samples, 22_050, 16_000);
    const source = await open(blob);
    const first = await source.read(0, 5 * 16_000);
    const rest = await source.read(5 * 16_000, 20 * 16_000);
    expect(first.length + rest.length).toBe(whole.length);
    const joined = new Float32Array(whole.length);
    joined.set(first);
    joined.set(rest, first.length);
    let worst = 0;
    for (let i = 0; i < whole.length; i += 1) worst = Math.max(worst, Math.abs((joined[i] ?? 0) - (whole[i] ?? 0)));
    expect(worst).toBeLessThan(1e-4);
  });

  it("decodes again from the start when read going back (a retry on a smaller model)", async () => {
    const { blob, samples } = wavFile(tone(16_000, 70));
    const source = await open(blob);
    await source.read(0, 480_000);
    await source.read(480_000, 960_000);
    const again = await source.read(1000, 1100);
    expect(Array.from(again)).toEqual(Array.from(samples.subarray(1000, 1100)));
  });

  it("is null for a file mediabunny cannot read, so the whole-file decoders explain the problem", async () => {
    expect(await openStreamSource(new Blob(["This is a text file, not audio.\n"]), "“x.txt”")).toBeNull();
  });
});

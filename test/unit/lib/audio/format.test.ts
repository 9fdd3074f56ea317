import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { downmixToMono, resample, rms, sniffContainer } from "@/lib/audio/format";

const audio = (name: string) => new Uint8Array(readFileSync(join(__dirname, "../../../fixtures/audio", name)));
const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new TextEncoder().encode(value);

describe("sniffContainer", () => {
  it.each([
    ["speech.ogg", "ogg-opus"],
    ["speech.mp3", "mp3"],
    ["speech.m4a", "mp4"],
    ["speech-video.mp4", "mp4"],
    ["speech.webm", "webm"],
    ["speech-8k.wav", "wav"],
    ["not-audio.txt", "unknown"],
    ["empty.ogg", "unknown"],
  ])("recognises %s as %s", (name, expected) => {
    expect(sniffContainer(audio(name))).toBe(expected);
  });

  it("knows raw MPEG frames, ADTS AAC, FLAC, AIFF and AMR by their magic bytes", () => {
    expect(sniffContainer(bytes(0xff, 0xfb, 0x90, 0x00))).toBe("mp3");
    expect(sniffContainer(bytes(0xff, 0xf1, 0x50, 0x80))).toBe("aac");
    expect(sniffContainer(text("fLaC\0\0\0\x22"))).toBe("flac");
    expect(sniffContainer(text("FORM\0\0\0\0AIFF"))).toBe("aiff");
    expect(sniffContainer(text("#!AMR\n"))).toBe("amr");
  });

  it("tells Ogg Vorbis from Ogg Opus and reads a cut-off header as plain Ogg", () => {
    const vorbis = new Uint8Array(64);
    vorbis.set(text("OggS"), 0);
    vorbis.set(text("\x01vorbis"), 28);
    expect(sniffContainer(vorbis)).toBe("ogg-vorbis");
    expect(sniffContainer(text("OggS"))).toBe("ogg");
  });
});

describe("downmixToMono", () => {
  it("averages channels sample by sample", () => {
    const mono = downmixToMono([Float32Array.from([1, 0, -1]), Float32Array.from([0, 0, 1])]);
    expect(Array.from(mono)).toEqual([0.5, 0, 0]);
  });

  it("copies a single channel and returns nothing for no channels", () => {
    const source = Float32Array.from([0.25, -0.25]);
    const mono = downmixToMono([source]);
    expect(Array.from(mono)).toEqual([0.25, -0.25]);
    expect(mono).not.toBe(source);
    expect(downmixToMono([]).length).toBe(0);
  });

  it("uses the shortest channel's length", () => {
    expect(downmixToMono([new Float32Array(4), new Float32Array(3)]).length).toBe(3);
  });
});

describe("resample", () => {
  const sine = (rate: number, hz: number, seconds: number) =>
    Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));

  it("keeps length proportional to the rate and a 440 Hz tone's level", () => {
    const out = resample(sine(48_000, 440, 1), 48_000, 16_000);
    expect(out.length).toBe(16_000);
    expect(rms(out.subarray(100, -100))).toBeCloseTo(Math.SQRT1_2, 1);
  });

  it("removes a tone above the new Nyquist frequency instead of aliasing it", () => {
    const out = resample(sine(48_000, 12_000, 0.5), 48_000, 16_000);
    expect(rms(out.subarray(100, -100))).toBeLessThan(0.05);
  });

  it("upsamples 8 kHz telephone audio", () => {
    expect(resample(sine(8_000, 300, 1), 8_000, 16_000).length).toBe(16_000);
  });

  it("refuses nonsense rates", () => {
    expect(() => resample(new Float32Array(10), 0, 16_000)).toThrow(RangeError);
  });
});

describe("rms", () => {
  it("is 0 for silence and empty input", () => {
    expect(rms(new Float32Array(100))).toBe(0);
    expect(rms(new Float32Array(0))).toBe(0);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { downmixToMono, resample } from "../../../../lib/audio/format";
import { MIN_DB, amplitudeToDb, analyzeSpeech, frameLevelsDb, quantile, trimSilence } from "../../../../lib/audio/silence-gate";
import { RATE, concat, hum, mix, noise, silence, speech } from "../../../support/speech-signals";


describe("levels", () => {
  it("converts amplitudes to dBFS with a floor", () => {
    expect(amplitudeToDb(1)).toBe(0);
    expect(amplitudeToDb(0.1)).toBeCloseTo(-20, 10);
    expect(amplitudeToDb(0)).toBe(MIN_DB);
    expect(amplitudeToDb(Number.NaN)).toBe(MIN_DB);
    expect(amplitudeToDb(1e-12)).toBe(MIN_DB);
  });

  it("measures a full-scale sine at −3 dBFS and removes DC", () => {
    const sine = Float32Array.from({ length: 4800 }, (_, i) => Math.sin((2 * Math.PI * 400 * i) / RATE));
    const levels = frameLevelsDb(sine, 480);
    expect(levels).toHaveLength(10);
    for (const level of levels) expect(level).toBeCloseTo(-3.01, 1);
    expect(frameLevelsDb(new Float32Array(480).fill(0.5), 480)).toEqual([MIN_DB]);
  });

  it("keeps a trailing partial frame only when it is at least half a frame", () => {
    expect(frameLevelsDb(new Float32Array(480 + 239), 480)).toHaveLength(1);
    expect(frameLevelsDb(new Float32Array(480 + 240), 480)).toHaveLength(2);
    expect(frameLevelsDb(new Float32Array(100), 480)).toHaveLength(1);
    expect(frameLevelsDb(new Float32Array(0), 480)).toHaveLength(0);
    expect(() => frameLevelsDb(new Float32Array(10), 0)).toThrow(RangeError);
  });

  it("interpolates quantiles", () => {
    expect(quantile([3, 1, 2, 4], 0)).toBe(1);
    expect(quantile([3, 1, 2, 4], 1)).toBe(4);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("analyzeSpeech: no speech", () => {
  it("rejects an empty buffer", () => {
    const result = analyzeSpeech(new Float32Array(0));
    expect(result).toMatchObject({ speech: false, reason: "empty", frames: 0, voicedRatio: 0, span: null });
  });

  it("rejects digital silence", () => {
    const result = analyzeSpeech(silence(5));
    expect(result).toMatchObject({ speech: false, reason: "digital-silence", peakDb: MIN_DB, voicedFrames: 0 });
  });

  it("rejects dither at −70 dBFS", () => {
    const result = analyzeSpeech(noise(10, -70));
    expect(result.speech).toBe(false);
    expect(result.reason).toBe("too-quiet");
    expect(result.rmsDb).toBeCloseTo(-70, 0);
  });

  it("rejects quiet hiss just under the absolute minimum, even after digital silence", () => {
    expect(analyzeSpeech(concat(silence(3), noise(3, -55))).speech).toBe(false);
  });

  it("rejects a steady hum, loud or quiet, steady or wobbling", () => {
    for (const level of [-45, -30, -15]) {
      const result = analyzeSpeech(hum(10, level));
      expect(result.speech, `hum at ${level} dBFS`).toBe(false);
      expect(result.noiseFloorDb).toBeCloseTo(level, 0);
    }
    expect(analyzeSpeech(hum(10, -30, 2)).speech).toBe(false);
  });

  it("rejects hum that starts after silence as steady", () => {
    const result = analyzeSpeech(concat(silence(4), hum(6, -30)));
    expect(result.speech).toBe(false);
    expect(result.reason).toBe("steady");
  });

  it("rejects a DC offset", () => {
    const result = analyzeSpeech(new Float32Array(RATE * 2).fill(0.3));
    expect(result.speech).toBe(false);
    expect(result.peakDb).toBeCloseTo(amplitudeToDb(0.3), 3);
  });

  it("rejects clicks and other short blips", () => {
    const clicks = silence(5);
    for (const at of [1, 2, 3]) clicks.fill(0.8, at * RATE, at * RATE + 80);
    const result = analyzeSpeech(clicks);
    expect(result.speech).toBe(false);
    expect(["too-quiet", "too-short"]).toContain(result.reason);
    const blip = concat(silence(2), speech(0.6).subarray(0.2 * RATE, 0.32 * RATE), silence(2));
    expect(analyzeSpeech(blip).speech).toBe(false);
  });
});

describe("analyzeSpeech: speech", () => {
  it("accepts espeak-like speech", () => {
    const result = analyzeSpeech(speech(4));
    expect(result).toMatchObject({ speech: true, reason: "speech" });
    expect(result.voicedRatio).toBeGreaterThan(0.3);
    expect(result.voicedRatio).toBeLessThan(1);
    expect(result.levelSpreadDb).toBeGreaterThan(4);
    expect(result.peakDb).toBeLessThan(0);
  });

  it("accepts speech over background noise and over hum", () => {
    expect(analyzeSpeech(mix(speech(5), noise(5, -60))).speech).toBe(true);
    expect(analyzeSpeech(mix(speech(5, -10), hum(5, -35))).speech).toBe(true);
  });

  it("accepts quiet speech on a quiet line", () => {
    expect(analyzeSpeech(mix(speech(4, -32), noise(4, -75))).speech).toBe(true);
  });

  it("accepts one short word in a 30-second window, with a small voiced ratio", () => {
    const window = mix(concat(silence(20), speech(1.2), silence(8.8)), noise(30, -68));
    const result = analyzeSpeech(window);
    expect(result.speech).toBe(true);
    expect(result.voicedRatio).toBeLessThan(0.05);
    expect(result.span).not.toBeNull();
    expect((result.span?.start ?? 0) / RATE).toBeGreaterThanOrEqual(20);
    expect((result.span?.end ?? 0) / RATE).toBeLessThanOrEqual(21.3);
  });

  it("works at other sample rates when told", () => {
    const at16k = speech(3);
    const at48k = Float32Array.from({ length: at16k.length * 3 }, (_, i) => at16k[Math.floor(i / 3)] ?? 0);
    expect(analyzeSpeech(at48k, { sampleRate: 48_000 }).speech).toBe(true);
  });

  it("honours its options", () => {
    const quiet = mix(speech(3, -50), noise(3, -90));
    expect(analyzeSpeech(quiet).speech).toBe(false);
    expect(analyzeSpeech(quiet, { absoluteMinDb: -70 }).speech).toBe(true);
    expect(analyzeSpeech(speech(3), { minSpeechSeconds: 10 }).reason).toBe("too-short");
  });
});

/** Reads a 16-bit PCM WAV fixture as 16 kHz mono. */
function readWav(name: string): Float32Array {
  const bytes = readFileSync(new URL(`../../../fixtures/audio/${name}`, import.meta.url));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let channels = 1;
  let rate = RATE;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString("ascii", offset, offset + 4);
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt ") {
      channels = view.getUint16(offset + 10, true);
      rate = view.getUint32(offset + 12, true);
    } else if (id === "data") {
      const frames = Math.floor(size / 2 / channels);
      const split = Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => view.getInt16(offset + 8 + (i * channels + c) * 2, true) / 32768));
      return resample(downmixToMono(split), rate, RATE);
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${name} has no data chunk`);
}

describe("analyzeSpeech on the espeak fixtures", () => {
  it("hears the speech clips", () => {
    for (const name of ["speech-8k.wav", "speech-stereo-22k.wav"]) {
      const result = analyzeSpeech(readWav(name));
      expect(result.speech, name).toBe(true);
      expect(result.voicedRatio, name).toBeGreaterThan(0.3);
    }
  });

  it("rejects the silent clip, alone and with dither or hum added", () => {
    const quiet = readWav("silence.wav");
    expect(analyzeSpeech(quiet).speech).toBe(false);
    expect(analyzeSpeech(mix(quiet, noise(quiet.length / RATE, -70))).speech).toBe(false);
    expect(analyzeSpeech(mix(quiet, hum(quiet.length / RATE, -35))).speech).toBe(false);
  });

  it("still hears speech padded with long silence and a hum", () => {
    const speechClip = readWav("speech-8k.wav");
    const padded = concat(silence(10), speechClip, silence(10));
    expect(analyzeSpeech(mix(padded, hum(padded.length / RATE, -40))).speech).toBe(true);
  });
});

describe("trimSilence", () => {
  it("keeps the voiced span plus padding, as a view", () => {
    const audio = concat(silence(3), speech(2), silence(3));
    const trimmed = trimSilence(audio);
    expect(trimmed.buffer).toBe(audio.buffer);
    expect(trimmed.length / RATE).toBeGreaterThan(1.2);
    expect(trimmed.length / RATE).toBeLessThan(2.7);
    expect(trimmed.byteOffset / 4 / RATE).toBeGreaterThan(2.5);
    expect(trimSilence(audio, { padSeconds: 0 }).length).toBeLessThan(trimmed.length);
  });

  it("clamps the padding to the buffer", () => {
    const audio = speech(2);
    expect(trimSilence(audio, { padSeconds: 5 }).length).toBe(audio.length);
  });

  it("is empty when there is no speech", () => {
    expect(trimSilence(silence(2))).toHaveLength(0);
    expect(trimSilence(hum(2, -30))).toHaveLength(0);
  });
});

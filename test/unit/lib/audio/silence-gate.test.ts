import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { downmixToMono, resample } from "../../../../lib/audio/format";
import {
  MIN_DB,
  amplitudeToDb,
  analyzeSpeech,
  frameLevelsDb,
  isLikelyHallucination,
  matchHallucination,
  normalizeForHallucination,
  quantile,
  shouldDiscardTranscript,
  trimSilence,
} from "../../../../lib/audio/silence-gate";

const RATE = 16_000;

/** A deterministic PRNG (mulberry32), so noise is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const fromDb = (db: number): number => 10 ** (db / 20);

function silence(seconds: number): Float32Array {
  return new Float32Array(Math.round(seconds * RATE));
}

/** White noise (uniform) with the given RMS level, like dither or a quiet preamp. */
function noise(seconds: number, rmsDb: number, seed = 1): Float32Array {
  const next = random(seed);
  const amplitude = fromDb(rmsDb) * Math.sqrt(3); // uniform on [-a, a] has RMS a/√3
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => (next() * 2 - 1) * amplitude);
}

/** Mains hum: 50 Hz plus two harmonics, at a steady RMS level, optionally wobbling by ±wobbleDb at 0.5 Hz. */
function hum(seconds: number, rmsDb: number, wobbleDb = 0): Float32Array {
  const base = fromDb(rmsDb) / Math.sqrt((1 + 0.25 + 0.0625) / 2);
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => {
    const t = i / RATE;
    const gain = fromDb(wobbleDb * Math.sin(2 * Math.PI * 0.5 * t));
    return base * gain * (Math.sin(2 * Math.PI * 50 * t) + 0.5 * Math.sin(2 * Math.PI * 100 * t) + 0.25 * Math.sin(2 * Math.PI * 150 * t));
  });
}

/**
 * Something like espeak: words of amplitude-modulated harmonics (a 120–180 Hz voice, 20 harmonics
 * falling off as 1/k), each word two or three syllables at ~4 Hz, pauses between words.
 */
function speech(seconds: number, peakDb = -12, seed = 7): Float32Array {
  const next = random(seed);
  const out = silence(seconds);
  let t = 0.2;
  while (t < seconds - 0.3) {
    const word = 0.35 + next() * 0.45;
    const f0 = 120 + next() * 60;
    const start = Math.round(t * RATE);
    const length = Math.min(Math.round(word * RATE), out.length - start);
    let phase = 0;
    for (let i = 0; i < length; i += 1) {
      const local = i / RATE;
      const envelope = Math.abs(Math.sin((Math.PI * local * 2) / word * 1.5)) ** 1.5;
      const f = f0 * (1 + 0.05 * Math.sin(2 * Math.PI * 3 * local));
      phase += (2 * Math.PI * f) / RATE;
      let voice = 0;
      for (let k = 1; k <= 20; k += 1) voice += Math.sin(k * phase) / k;
      out[start + i] = (out[start + i] ?? 0) + fromDb(peakDb) * envelope * voice * 0.5;
    }
    t += word + 0.15 + next() * 0.3;
  }
  return out;
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function mix(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(Math.max(...parts.map((part) => part.length)));
  for (const part of parts) part.forEach((value, i) => (out[i] = (out[i] ?? 0) + value));
  return out;
}

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

describe("matchHallucination", () => {
  it.each([
    "Thanks for watching!",
    " Thank you for watching.",
    "THANK YOU FOR WATCHING",
    "ご視聴ありがとうございました",
    "ご視聴ありがとうございました。",
    "Subtitles by the Amara.org community",
    "Продолжение следует...",
    "Субтитры сделал DimaTorzok",
    "Untertitel im Auftrag des ZDF für funk, 2017",
    "Sous-titres réalisés para la communauté d'Amara.org",
    "字幕由Amara.org社区提供",
    "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
    "MBC 뉴스 이덕영입니다.",
    "Thanks for watching! Please subscribe.",
    "♪",
    "♪♪♪",
    "...",
    "[Music]",
    "(upbeat music)",
    "[BLANK_AUDIO]",
    "*sigh*",
  ])("recognises %j as strong", (text) => {
    expect(matchHallucination(text)?.strength).toBe("strong");
    expect(isLikelyHallucination(text)).toBe(true);
  });

  it.each(["you", "Thank you.", "Thank you. Thank you. Thank you.", "Bye!", "Спасибо.", "ありがとうございました", "Thank you very much!"])(
    "recognises %j as weak",
    (text) => {
      expect(matchHallucination(text)?.strength).toBe("weak");
    },
  );

  it("calls a mix of weak and strong phrases strong", () => {
    expect(matchHallucination("Thank you. Thanks for watching!")).toEqual({ strength: "strong", phrases: ["thank you", "thanks for watching"] });
  });

  it.each([
    "",
    "   ",
    "Hello, this is a real voice message.",
    "Thank you for the report, I'll check it tomorrow.",
    "Thanks for watching the kids yesterday!",
    "youth",
    "Subtitles are hard to get right.",
    "ご視聴ありがとうございました と彼は言った",
    "Спасибо, что пришли вовремя.",
  ])("leaves ordinary text alone: %j", (text) => {
    expect(matchHallucination(text)).toBeNull();
    expect(isLikelyHallucination(text)).toBe(false);
  });

  it("leaves very long text alone", () => {
    expect(isLikelyHallucination("Thank you. ".repeat(300))).toBe(false);
    expect(isLikelyHallucination("Thank you. ".repeat(50))).toBe(true);
  });

  it("normalises case, punctuation, symbols and annotations", () => {
    expect(normalizeForHallucination("  Thanks — for WATCHING!!! ♪ [Music] ")).toBe("thanks for watching");
    expect(normalizeForHallucination("Ｔｈａｎｋｓ")).toBe("thanks");
  });
});

describe("shouldDiscardTranscript", () => {
  it("drops a strong hallucination unless there was a lot of speech", () => {
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 0.5 })).toBe(true);
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 2.9 })).toBe(true);
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 3 })).toBe(false);
  });

  it("drops a weak one only when there was next to no speech", () => {
    expect(shouldDiscardTranscript("Thank you.", { voicedSeconds: 0.2 })).toBe(true);
    expect(shouldDiscardTranscript("Thank you.", { voicedSeconds: 0.6 })).toBe(false);
  });

  it("always drops empty text and never drops ordinary text", () => {
    expect(shouldDiscardTranscript(" ", { voicedSeconds: 10 })).toBe(true);
    expect(shouldDiscardTranscript("Call me back.", { voicedSeconds: 0 })).toBe(false);
  });

  it("honours its limits", () => {
    expect(shouldDiscardTranscript("Thank you.", { voicedSeconds: 0.6 }, { weakBelowSeconds: 1 })).toBe(true);
    expect(shouldDiscardTranscript("Thanks for watching!", { voicedSeconds: 1 }, { strongBelowSeconds: 0.5 })).toBe(false);
  });

  it("works on a real analysis", () => {
    const cough = concat(silence(2), speech(0.6).subarray(0.2 * RATE, 0.5 * RATE), silence(2));
    const analysis = analyzeSpeech(cough);
    expect(shouldDiscardTranscript("Thanks for watching!", analysis)).toBe(true);
  });
});

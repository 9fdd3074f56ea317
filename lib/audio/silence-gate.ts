/**
 * Keeps silence away from Whisper, which invents text on silent audio (see ./hallucination-filter
 * for the guard on its output). {@link analyzeSpeech} is an energy-based voice-activity gate, run
 * on 16 kHz mono samples before a file or a window goes to the model. It splits the audio into
 * ~30 ms frames, measures each frame's level (dBFS, DC removed), estimates the noise floor from
 * the quietest frames of this same audio (so it adapts to the room, the mic and any hum), and
 * counts as voiced the frames that are both well above that floor and above an absolute minimum.
 * Short blips (a click, a bump) and sounds of a steady level (mains hum, a fan starting) do not
 * count as speech. Pure.
 *
 * Levels are dBFS relative to a full-scale square wave (RMS 1.0 = 0 dB; a full-scale sine is about
 * −3 dB). Digital silence measures {@link MIN_DB}.
 */
import { SAMPLE_RATE } from "./sample-rate";

/** The level reported for digital silence, and the lowest level ever reported, in dBFS. */
export const MIN_DB = -120;

/** Tuning of {@link analyzeSpeech}. Every field has a default fit for speech at 16 kHz. */
export interface GateOptions {
  /** Sample rate of the input; default 16 000 (what the model takes). */
  readonly sampleRate?: number;
  /** Frame length in milliseconds; default 30. */
  readonly frameMs?: number;
  /** A frame quieter than this is never voiced, whatever the floor; default −50 dBFS. */
  readonly absoluteMinDb?: number;
  /** How far above the noise floor a voiced frame must be; default 9 dB. */
  readonly marginDb?: number;
  /** The noise floor is this quantile of the frame levels (the quietest 10% by default). */
  readonly floorQuantile?: number;
  /** Voiced frames count only in runs at least this long; default 90 ms (3 frames), which ignores clicks. */
  readonly minRunMs?: number;
  /** Less voiced time than this is no speech; default 0.2 s. */
  readonly minSpeechSeconds?: number;
  /**
   * Voiced frames of speech rise and fall with syllables; a sound whose level barely moves (hum, a
   * fan, a tone) is not speech. The spread between the 10th and 90th percentile of voiced-frame
   * levels must reach this; default 4 dB.
   */
  readonly minLevelSpreadDb?: number;
}

/** Why {@link analyzeSpeech} decided as it did; handy in logs and in the status line. */
export type GateReason =
  /** Enough voiced frames, varying like speech. */
  | "speech"
  /** No samples at all. */
  | "empty"
  /** Every sample is (almost exactly) zero. */
  | "digital-silence"
  /** Nothing rises above the absolute minimum and the noise floor. */
  | "too-quiet"
  /** Something rises above the floor, but for less than `minSpeechSeconds` (clicks, a cough). */
  | "too-short"
  /** Loud enough and long enough, but of a steady level: hum, a fan, a tone. */
  | "steady";

/** What {@link analyzeSpeech} found in one buffer. */
export interface SpeechAnalysis {
  /** True when the audio is worth sending to the model. */
  readonly speech: boolean;
  readonly reason: GateReason;
  /** Voiced frames (in runs long enough) / all frames, 0..1. */
  readonly voicedRatio: number;
  /** Voiced time in seconds. */
  readonly voicedSeconds: number;
  /** The loudest sample, in dBFS (0 = full scale). */
  readonly peakDb: number;
  /** The loudest frame, in dBFS. */
  readonly maxFrameDb: number;
  /** The whole buffer's RMS level, in dBFS. */
  readonly rmsDb: number;
  /** The estimated noise floor, in dBFS. */
  readonly noiseFloorDb: number;
  /** The level a frame had to exceed to be voiced: max(floor + margin, absolute minimum). */
  readonly thresholdDb: number;
  /** 10th-to-90th percentile spread of the voiced frames' levels, in dB (0 when none). */
  readonly levelSpreadDb: number;
  readonly frames: number;
  readonly voicedFrames: number;
  /** Samples from the first voiced frame to the end of the last one, `[start, end)`; null when none. */
  readonly span: { readonly start: number; readonly end: number } | null;
}

const DEFAULTS: Required<GateOptions> = {
  sampleRate: SAMPLE_RATE,
  frameMs: 30,
  absoluteMinDb: -50,
  marginDb: 9,
  floorQuantile: 0.1,
  minRunMs: 90,
  minSpeechSeconds: 0.2,
  minLevelSpreadDb: 4,
};

/** Converts an RMS or peak amplitude to dBFS, never below {@link MIN_DB}. */
export function amplitudeToDb(amplitude: number): number {
  if (!(amplitude > 0)) return MIN_DB;
  return Math.max(MIN_DB, 20 * Math.log10(amplitude));
}

/**
 * The level of each frame of `frameSize` samples, in dBFS, with each frame's mean (DC offset)
 * removed. A trailing partial frame counts when it is at least half a frame, and a buffer shorter
 * than one frame is one frame.
 */
export function frameLevelsDb(samples: Float32Array, frameSize: number): number[] {
  if (!Number.isInteger(frameSize) || frameSize <= 0) throw new RangeError(`invalid frame size ${frameSize}`);
  const levels: number[] = [];
  for (let start = 0; start < samples.length; start += frameSize) {
    const end = Math.min(start + frameSize, samples.length);
    if (end - start < frameSize / 2 && start > 0) break;
    let sum = 0;
    for (let i = start; i < end; i += 1) sum += samples[i] ?? 0;
    const mean = sum / (end - start);
    let energy = 0;
    for (let i = start; i < end; i += 1) {
      const value = (samples[i] ?? 0) - mean;
      energy += value * value;
    }
    levels.push(amplitudeToDb(Math.sqrt(energy / (end - start))));
  }
  return levels;
}

/** The `q` quantile (0..1) of `values` by linear interpolation; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] ?? 0;
  const b = sorted[upper] ?? a;
  return a + (b - a) * (position - lower);
}

/** Keeps only runs of at least `minRun` consecutive true values. */
function keepLongRuns(mask: readonly boolean[], minRun: number): boolean[] {
  const out = new Array<boolean>(mask.length).fill(false);
  let runStart = -1;
  for (let i = 0; i <= mask.length; i += 1) {
    const on = i < mask.length && mask[i] === true;
    if (on && runStart < 0) runStart = i;
    if (!on && runStart >= 0) {
      if (i - runStart >= minRun) out.fill(true, runStart, i);
      runStart = -1;
    }
  }
  return out;
}

/**
 * Decides whether a buffer of mono samples holds speech worth transcribing, and measures it. Use it
 * on a whole file before loading the model (no model for a silent file), and on each 30-second
 * window before transcribing it. Cost: one pass over the samples plus a sort of the frame levels.
 */
export function analyzeSpeech(samples: Float32Array, options: GateOptions = {}): SpeechAnalysis {
  const o = { ...DEFAULTS, ...options };
  const frameSize = Math.max(1, Math.round((o.sampleRate * o.frameMs) / 1000));
  let peak = 0;
  let energy = 0;
  for (const value of samples) {
    const magnitude = Math.abs(value);
    if (magnitude > peak) peak = magnitude;
    energy += value * value;
  }
  const peakDb = amplitudeToDb(peak);
  const rmsDb = samples.length === 0 ? MIN_DB : amplitudeToDb(Math.sqrt(energy / samples.length));
  const levels = frameLevelsDb(samples, frameSize);
  const noiseFloorDb = levels.length === 0 ? MIN_DB : quantile(levels, o.floorQuantile);
  const thresholdDb = Math.max(noiseFloorDb + o.marginDb, o.absoluteMinDb);
  const minRun = Math.max(1, Math.ceil(o.minRunMs / o.frameMs - 1e-9));
  const voiced = keepLongRuns(
    levels.map((level) => level > thresholdDb),
    minRun,
  );
  const voicedLevels = levels.filter((_, i) => voiced[i] === true);
  const voicedFrames = voicedLevels.length;
  const first = voiced.indexOf(true);
  const last = voiced.lastIndexOf(true);
  const span = first < 0 ? null : { start: first * frameSize, end: Math.min(samples.length, (last + 1) * frameSize) };
  const voicedSeconds = (voicedFrames * frameSize) / o.sampleRate;
  const levelSpreadDb = voicedFrames === 0 ? 0 : quantile(voicedLevels, 0.9) - quantile(voicedLevels, 0.1);
  const reason: GateReason =
    samples.length === 0
      ? "empty"
      : peakDb <= MIN_DB
        ? "digital-silence"
        : voicedFrames === 0
          ? "too-quiet"
          : voicedSeconds < o.minSpeechSeconds
            ? "too-short"
            : levelSpreadDb < o.minLevelSpreadDb
              ? "steady"
              : "speech";
  return {
    speech: reason === "speech",
    reason,
    voicedRatio: levels.length === 0 ? 0 : voicedFrames / levels.length,
    voicedSeconds,
    peakDb,
    maxFrameDb: levels.reduce((max, level) => (level > max ? level : max), MIN_DB),
    rmsDb,
    noiseFloorDb,
    thresholdDb,
    levelSpreadDb,
    frames: levels.length,
    voicedFrames,
    span,
  };
}

/**
 * The part of `samples` worth transcribing: from the first voiced frame to the last, widened by
 * `padSeconds` (default 0.3 s) on each side so soft word edges survive. A view (`subarray`), not a
 * copy; empty when there is no speech. Pass the analysis when you already have it.
 */
export function trimSilence(
  samples: Float32Array,
  options: GateOptions & { readonly padSeconds?: number } = {},
  analysis: SpeechAnalysis = analyzeSpeech(samples, options),
): Float32Array {
  if (!analysis.speech || analysis.span === null) return samples.subarray(0, 0);
  const pad = Math.round((options.padSeconds ?? 0.3) * (options.sampleRate ?? DEFAULTS.sampleRate));
  return samples.subarray(Math.max(0, analysis.span.start - pad), Math.min(samples.length, analysis.span.end + pad));
}

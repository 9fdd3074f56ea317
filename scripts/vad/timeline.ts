/**
 * The labelled corpus of `npm run bench:vad` (scripts/vad-compare.ts) as timelines: where speech
 * is in a synthetic clip, clips and beds mixed into one window with its speech intervals, and the
 * truth of each detector frame. Pure: the sounds come from scripts/vad/corpus.ts.
 *
 * Intervals are in samples, `[start, end)`, sorted and disjoint once merged.
 */

/** A stretch of samples, `[start, end)`. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Sorts and joins overlapping or touching intervals; drops empty ones. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((item) => item.end > item.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const item of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && item.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, item.end) };
    else out.push({ start: item.start, end: item.end });
  }
  return out;
}

/**
 * Where a clean synthetic speech clip speaks: the runs of samples louder than `silence` (espeak-ng
 * writes true silence before, between and after its sentences), with gaps shorter than `minGap`
 * samples (syllable and comma pauses) counted as speech. Its own leading and trailing silence is
 * outside every interval, so placing the clip places only what is spoken.
 */
export function speechIntervals(clip: Float32Array, options: { readonly silence: number; readonly minGap: number }): Interval[] {
  const out: Interval[] = [];
  let start = -1;
  let lastLoud = -1;
  for (let i = 0; i < clip.length; i += 1) {
    if (Math.abs(clip[i] ?? 0) <= options.silence) continue;
    if (start < 0) start = i;
    else if (i - lastLoud - 1 >= options.minGap) {
      out.push({ start, end: lastLoud + 1 });
      start = i;
    }
    lastLoud = i;
  }
  if (start >= 0) out.push({ start, end: lastLoud + 1 });
  return out;
}

/** RMS of `samples` over `intervals` (all of it when none are given); 0 for no samples. */
export function rms(samples: Float32Array, intervals?: readonly Interval[]): number {
  const spans = intervals ?? [{ start: 0, end: samples.length }];
  let energy = 0;
  let count = 0;
  for (const span of spans) {
    for (let i = Math.max(0, span.start); i < Math.min(samples.length, span.end); i += 1) {
      const value = samples[i] ?? 0;
      energy += value * value;
      count += 1;
    }
  }
  return count === 0 ? 0 : Math.sqrt(energy / count);
}

/** The gain that brings an RMS of `current` to `db` dBFS (RMS 1.0 = 0 dB, as lib/audio/silence-gate.ts measures); 0 for silence. */
export function gainTo(current: number, db: number): number {
  return current > 0 ? 10 ** (db / 20) / current : 0;
}

/** One clip in a window: its samples, the speech in it (none for a non-speech sound), where it starts and how loud. */
export interface Placement {
  readonly clip: Float32Array;
  readonly speech: readonly Interval[];
  /** First sample of the clip in the window; the clip is cut at the window's end. */
  readonly at: number;
  readonly gain: number;
}

/** A mixed window and where speech is in it. */
export interface MixedWindow {
  readonly samples: Float32Array;
  readonly truth: Interval[];
}

/**
 * Mixes one window of `length` samples: `bed` (noise, hum, music; repeated when shorter) times
 * `bedGain`, plus every placement. The truth is the placements' speech intervals moved to where
 * they landed, cut at the window's edges and merged.
 */
export function mixWindow(length: number, bed: Float32Array | null, bedGain: number, placements: readonly Placement[]): MixedWindow {
  const samples = new Float32Array(length);
  if (bed !== null && bed.length > 0 && bedGain !== 0) {
    for (let i = 0; i < length; i += 1) samples[i] = (bed[i % bed.length] ?? 0) * bedGain;
  }
  const truth: Interval[] = [];
  for (const placement of placements) {
    const from = Math.max(0, placement.at);
    const to = Math.min(length, placement.at + placement.clip.length);
    for (let i = from; i < to; i += 1) samples[i] = (samples[i] ?? 0) + (placement.clip[i - placement.at] ?? 0) * placement.gain;
    for (const span of placement.speech) truth.push({ start: Math.max(0, span.start + placement.at), end: Math.min(length, span.end + placement.at) });
  }
  return { samples, truth: mergeIntervals(truth) };
}

/** Samples of `intervals` inside `[start, end)`. */
function overlap(intervals: readonly Interval[], start: number, end: number): number {
  let total = 0;
  for (const span of intervals) total += Math.max(0, Math.min(end, span.end) - Math.max(start, span.start));
  return total;
}

/**
 * The truth of `frames` consecutive frames of `frameSize` samples from sample 0: a frame is speech
 * when at least half of its samples are inside `intervals` (merged ones).
 */
export function frameTruth(intervals: readonly Interval[], frameSize: number, frames: number): boolean[] {
  const out: boolean[] = [];
  for (let frame = 0; frame < frames; frame += 1) {
    const start = frame * frameSize;
    out.push(overlap(intervals, start, start + frameSize) * 2 >= frameSize);
  }
  return out;
}

/** Seconds of speech in `intervals`. */
export function speechSeconds(intervals: readonly Interval[], sampleRate: number): number {
  return intervals.reduce((total, span) => total + (span.end - span.start), 0) / sampleRate;
}

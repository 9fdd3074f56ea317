/**
 * Scoring for `npm run bench:vad` (scripts/vad-compare.ts): frame decisions against the truth
 * (precision, recall, F1), Silero's speech probabilities turned into frame decisions (a plain
 * threshold, or the smoothing of silero-vad's own `get_speech_timestamps`), and the Markdown table.
 * Pure.
 */

/** Frame counts of one detector against the truth. */
export interface FrameCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

export const NO_FRAMES: FrameCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };

/** Counts decisions against the truth over the frames both have (the shorter of the two). */
export function countFrames(predicted: readonly boolean[], truth: readonly boolean[]): FrameCounts {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < Math.min(predicted.length, truth.length); i += 1) {
    const said = predicted[i] === true;
    const is = truth[i] === true;
    if (said && is) tp += 1;
    else if (said) fp += 1;
    else if (is) fn += 1;
    else tn += 1;
  }
  return { tp, fp, fn, tn };
}

export function addCounts(a: FrameCounts, b: FrameCounts): FrameCounts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn };
}

/** Precision, recall and F1 of speech frames; NaN where a ratio has nothing to divide by. */
export function precisionRecall(counts: FrameCounts): { precision: number; recall: number; f1: number } {
  const precision = counts.tp + counts.fp === 0 ? Number.NaN : counts.tp / (counts.tp + counts.fp);
  const recall = counts.tp + counts.fn === 0 ? Number.NaN : counts.tp / (counts.tp + counts.fn);
  const f1 = counts.tp === 0 ? (counts.fp + counts.fn === 0 ? Number.NaN : 0) : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Share of all frames called speech that are not: the false-speech rate of audio without speech. */
export function falseSpeechRate(counts: FrameCounts): number {
  const all = counts.tp + counts.fp + counts.fn + counts.tn;
  return all === 0 ? Number.NaN : counts.fp / all;
}

/** Frames whose probability reaches `threshold`. */
export function thresholdFrames(probabilities: ArrayLike<number>, threshold: number): boolean[] {
  return Array.from(probabilities, (p) => p >= threshold);
}

/** silero-vad's `get_speech_timestamps` settings, in frames. */
export interface Smoothing {
  /** Speech starts at a frame at or above this. */
  readonly threshold: number;
  /** …and ends below this (silero-vad: threshold − 0.15). */
  readonly negThreshold: number;
  /** Speech shorter than this many frames is dropped (silero-vad: 250 ms). */
  readonly minSpeechFrames: number;
  /** Speech ends only after this many frames below `negThreshold` (silero-vad: 100 ms). */
  readonly minSilenceFrames: number;
  /** Frames added to each side of a kept segment (silero-vad: 30 ms). */
  readonly padFrames: number;
}

/**
 * Silero's frame probabilities as speech segments, the way silero-vad's `get_speech_timestamps`
 * makes them (hysteresis between the two thresholds, a minimum silence before a segment ends, a
 * minimum length, padding), returned as frame decisions.
 */
export function smoothFrames(probabilities: ArrayLike<number>, options: Smoothing): boolean[] {
  const n = probabilities.length;
  const segments: { start: number; end: number }[] = [];
  let triggered = false;
  let start = 0;
  let tempEnd = -1;
  for (let i = 0; i < n; i += 1) {
    const p = probabilities[i] ?? 0;
    if (p >= options.threshold && tempEnd >= 0) tempEnd = -1;
    if (p >= options.threshold && !triggered) {
      triggered = true;
      start = i;
      continue;
    }
    if (p < options.negThreshold && triggered) {
      if (tempEnd < 0) tempEnd = i;
      if (i - tempEnd < options.minSilenceFrames) continue;
      if (tempEnd - start > options.minSpeechFrames) segments.push({ start, end: tempEnd });
      tempEnd = -1;
      triggered = false;
    }
  }
  if (triggered && n - start > options.minSpeechFrames) segments.push({ start, end: n });
  const out = new Array<boolean>(n).fill(false);
  for (const segment of segments) out.fill(true, Math.max(0, segment.start - options.padFrames), Math.min(n, segment.end + options.padFrames));
  return out;
}

/** Frames marked true. */
export function countTrue(mask: readonly boolean[]): number {
  return mask.reduce((total, on) => total + (on ? 1 : 0), 0);
}

/** The median; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A ratio as "0.93", or "—" when it is undefined. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : "—";
}

/** A Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

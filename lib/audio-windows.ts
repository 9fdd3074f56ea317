/**
 * Long audio is transcribed in 30-second windows (Whisper's input size) that overlap a little, so a
 * word cut at one window's edge is heard whole in the next. These pure helpers plan the windows and
 * stitch the per-window segments back into one transcript without repeating the overlap.
 */
import type { Segment } from "./worker-protocol";

/** Whisper's sample rate; every buffer handed to the model is 16 kHz mono. */
export const SAMPLE_RATE = 16_000;

/** One window over the audio, in samples: `[start, end)`. */
export interface AudioWindow {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

/** Window length and overlap, in seconds. */
export interface WindowOptions {
  readonly windowSeconds: number;
  readonly overlapSeconds: number;
}

/** Defaults: Whisper's 30 s input with 2 s shared between neighbours. */
export const DEFAULT_WINDOWS: WindowOptions = { windowSeconds: 30, overlapSeconds: 2 };

/**
 * Splits `sampleCount` samples into windows of at most `windowSeconds`, each starting
 * `windowSeconds - overlapSeconds` after the previous. A file shorter than one window is one window;
 * an empty file has none. The last window is never only overlap.
 */
export function planWindows(sampleCount: number, options: WindowOptions = DEFAULT_WINDOWS, sampleRate = SAMPLE_RATE): AudioWindow[] {
  if (!Number.isFinite(sampleCount) || sampleCount <= 0) return [];
  const size = Math.round(options.windowSeconds * sampleRate);
  const overlap = Math.round(options.overlapSeconds * sampleRate);
  if (size <= 0 || overlap < 0 || overlap >= size) {
    throw new RangeError(`invalid window options: ${options.windowSeconds}s windows with ${options.overlapSeconds}s overlap`);
  }
  const step = size - overlap;
  const windows: AudioWindow[] = [];
  for (let start = 0; ; start += step) {
    const end = Math.min(start + size, sampleCount);
    windows.push({ index: windows.length, start, end });
    if (end >= sampleCount) break;
  }
  return windows;
}

/**
 * Adds one window's segments (timestamps relative to the window) to those already kept (absolute
 * timestamps). The overlap is split at its midpoint: earlier windows own what starts before it, the
 * later window what starts after, so nothing is said twice. Empty texts are dropped.
 */
export function appendWindowSegments(
  kept: readonly Segment[],
  windowSegments: readonly Segment[],
  window: AudioWindow,
  previous: AudioWindow | undefined,
  sampleRate = SAMPLE_RATE,
): Segment[] {
  const offset = window.start / sampleRate;
  const boundary = previous === undefined ? Number.NEGATIVE_INFINITY : (window.start + previous.end) / 2 / sampleRate;
  const before = kept.filter((segment) => segment.start < boundary || previous === undefined);
  const added: Segment[] = [];
  for (const segment of windowSegments) {
    const text = segment.text.trim();
    if (text === "") continue;
    const start = roundTime(offset + segment.start);
    const end = roundTime(Math.max(offset + segment.end, offset + segment.start));
    if (start < boundary) continue;
    added.push({ start, end, text });
  }
  return [...before, ...added];
}

/** Joins segments into readable text. */
export function segmentsToText(segments: readonly Segment[]): string {
  return segments
    .map((segment) => segment.text.trim())
    .filter((text) => text !== "")
    .join(" ");
}

function roundTime(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

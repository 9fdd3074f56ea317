/**
 * Long audio is transcribed in 30-second windows (Whisper's input size). These pure helpers decide
 * where each window starts, so a word cut at one window's edge is heard whole in the next, and join
 * the per-window segments into one transcript.
 */
import type { Segment } from "./worker-protocol";

/** Whisper's sample rate; every buffer handed to the model is 16 kHz mono. */
export const SAMPLE_RATE = 16_000;

/** Whisper hears at most 30 s at a time; long audio is fed in windows of this length. */
export const WINDOW_SECONDS = 30;

/** What to keep of one window and where the next window starts. */
export interface WindowStep {
  /** Segments to keep, with absolute timestamps. */
  readonly keep: Segment[];
  /** Sample where the next window starts. */
  readonly nextStart: number;
}

/**
 * Whisper's own way through long audio ("seek"): a window's last segment that runs into the window's
 * end was probably cut mid-word, so it is dropped and the next window starts where it began, hearing
 * it whole. Otherwise the next window starts where this one ended. Timestamps in `segments` are
 * relative to the window starting at sample `start` with `length` samples; `last` is true for the
 * window that reaches the end of the audio.
 */
export function stepWindow(segments: readonly Segment[], start: number, length: number, last: boolean, sampleRate = SAMPLE_RATE): WindowStep {
  const offset = start / sampleRate;
  const windowSeconds = length / sampleRate;
  const spoken = segments.map((segment) => ({ ...segment, text: segment.text.trim() })).filter((segment) => segment.text !== "");
  const tail = spoken.at(-1);
  const cut = !last && tail !== undefined && tail.end >= windowSeconds - EDGE_SECONDS && tail.start >= MIN_ADVANCE_SECONDS;
  const kept = cut ? spoken.slice(0, -1) : spoken;
  const nextStart = cut && tail !== undefined ? start + Math.round(tail.start * sampleRate) : start + length;
  return {
    keep: kept.map((segment) => ({ start: roundTime(offset + segment.start), end: roundTime(offset + Math.max(segment.start, Math.min(segment.end, windowSeconds))), text: segment.text })),
    nextStart,
  };
}

/** A segment ending this close to the window's end is taken to be cut off. */
const EDGE_SECONDS = 0.5;
/** Never step back so far that a window advances by less than this (no endless loops). */
const MIN_ADVANCE_SECONDS = 5;

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

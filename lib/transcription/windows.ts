import type { Segment } from "../transcript/types";
import { SAMPLE_RATE } from "../audio/sample-rate";
/**
 * Long audio is transcribed in 30-second windows (Whisper's input size). These pure helpers decide
 * where each window starts, so a word cut at one window's edge is heard whole in the next, and join
 * the per-window segments into one transcript.
 */


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
 * it whole. Likewise when the decoder stopped after opening a segment it did not finish (`resumeAt`,
 * from {@link resumePoint}): speech from there on was cut by the window's edge, so the next window
 * starts there. Otherwise the next window starts where this one ended. Timestamps in `segments` and
 * `resumeAt` are relative to the window starting at sample `start` with `length` samples; `last` is
 * true for the window that reaches the end of the audio.
 */
export function stepWindow(segments: readonly Segment[], start: number, length: number, last: boolean, resumeAt: number | null = null, sampleRate = SAMPLE_RATE): WindowStep {
  const offset = start / sampleRate;
  const windowSeconds = length / sampleRate;
  const spoken = segments.map((segment) => ({ ...segment, text: segment.text.trim() })).filter((segment) => segment.text !== "");
  const tail = spoken.at(-1);
  const cut = !last && tail !== undefined && tail.end >= windowSeconds - EDGE_SECONDS && tail.start >= MIN_ADVANCE_SECONDS;
  let kept = cut ? spoken.slice(0, -1) : spoken;
  let resume = cut && tail !== undefined ? tail.start : windowSeconds;
  if (!last && resumeAt !== null && resumeAt >= MIN_ADVANCE_SECONDS && resumeAt < resume) {
    resume = resumeAt;
    kept = kept.filter((segment) => segment.start < resumeAt);
  }
  const nextStart = resume >= windowSeconds ? start + length : start + Math.round(resume * sampleRate);
  return {
    keep: kept.map((segment) => ({ start: roundTime(offset + segment.start), end: roundTime(offset + Math.max(segment.start, Math.min(segment.end, windowSeconds))), text: segment.text })),
    nextStart,
  };
}

/** Seconds per Whisper timestamp token. */
const TIME_PRECISION = 0.02;

/**
 * Where the next window should start, by OpenAI Whisper's seek rule, from one window's generated
 * tokens (prompt excluded; a trailing end-of-text is ignored): when the decoder did not end on a
 * single closing timestamp — it stopped inside a segment, or right after opening one — whatever
 * follows the last timestamp was cut by the window's edge, so that timestamp (window-relative
 * seconds) is returned. Null when the window ended cleanly or has no timestamp pair to go back to.
 * Timestamp tokens are `timestampBegin` and above.
 */
export function resumePoint(generated: readonly number[], timestampBegin: number, endOfText: number): number | null {
  const tokens = generated.at(-1) === endOfText ? generated.slice(0, -1) : generated;
  const isTimestamp = tokens.map((token) => token >= timestampBegin);
  const singleEnding = tokens.length >= 2 && isTimestamp.at(-1) === true && isTimestamp.at(-2) === false;
  let pair = -1;
  for (let i = 1; i < tokens.length; i += 1) if (isTimestamp[i - 1] === true && isTimestamp[i] === true) pair = i;
  if (pair < 0 || singleEnding) return null;
  const stamp = tokens[pair - 1];
  return stamp === undefined ? null : Math.round((stamp - timestampBegin) * TIME_PRECISION * 100) / 100;
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

/**
 * The cues every writer (text, subtitles, JSON) works from, so all formats clamp, clean and order
 * a transcript's times and text the same way.
 */
import type { Segment, TranscriptContent } from "./types";

/** Seconds made safe to print: NaN, ±Infinity and negatives become 0; rounded to whole milliseconds. */
export function toMilliseconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : 0;
}

/** One cue as every writer sees it: clamped times (ms, end ≥ start) and cleaned lines of text. */
export interface Cue {
  readonly startMs: number;
  readonly endMs: number;
  /** Non-empty, trimmed lines. */
  readonly lines: readonly string[];
}

/** Trims each line and drops empty ones, so a cue never contains the blank line that would end it early. */
export function cueLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line.length > 0);
}

/**
 * The cues a transcript is written as: segments in start order with empty ones dropped, or, when
 * there are no segments, one cue over the whole audio holding `text`.
 */
export function toCues(content: TranscriptContent): Cue[] {
  const segments: readonly Segment[] =
    content.segments.length > 0 ? content.segments : [{ start: 0, end: content.duration, text: content.text }];
  return segments
    .map((segment) => {
      const startMs = toMilliseconds(segment.start);
      return { startMs, endMs: Math.max(startMs, toMilliseconds(segment.end)), lines: cueLines(segment.text) };
    })
    .filter((cue) => cue.lines.length > 0)
    .sort((a, b) => a.startMs - b.startMs);
}

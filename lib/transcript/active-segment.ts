/**
 * Which segment is being heard at a moment of playback, so the page can mark it and keep it in
 * view. Pure, and fast enough to run on every animation frame (binary search).
 */
import type { Segment } from "./types";

/** A segment stays marked this long (seconds) past its end while nothing else has started, so short pauses do not blink. */
export const SEGMENT_HOLD_SECONDS = 1;

/**
 * The index of the segment playing at `seconds`: the last one that has started, while it has not
 * ended more than {@link SEGMENT_HOLD_SECONDS} ago; -1 before the first one, in long silences and
 * for bad times. `segments` must be in start order (as Whisper writes them).
 */
export function activeSegmentIndex(segments: readonly Segment[], seconds: number): number {
  if (!Number.isFinite(seconds)) return -1;
  let low = 0;
  let high = segments.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const segment = segments[middle];
    if (segment !== undefined && segment.start <= seconds) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  const segment = segments[found];
  return segment !== undefined && seconds < Math.max(segment.end, segment.start) + SEGMENT_HOLD_SECONDS ? found : -1;
}

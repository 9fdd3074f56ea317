/**
 * Correcting a transcript by hand, one segment at a time: the text changes, the timings never do,
 * and the whole text is rebuilt from the segments so every export reads the corrected words. Pure.
 */
import type { Segment, TranscriptContent } from "./types";

/**
 * The text of a transcript rebuilt from its segments the way a run builds it: each segment's text
 * trimmed, empty ones left out, joined with single spaces. Use it after changing any segment.
 */
export function textFromSegments(segments: readonly Segment[]): string {
  return segments
    .map((segment) => segment.text.trim())
    .filter((text) => text !== "")
    .join(" ");
}

/** Text typed into a segment, made safe to store: runs of whitespace (newlines too) become one space, trimmed. */
export function cleanSegmentText(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

/**
 * The segments a person edits: the transcript's own, or for a transcript with text but no
 * segments, one segment over the whole audio holding that text (so it can still be corrected).
 */
export function editableSegments(content: TranscriptContent): readonly Segment[] {
  if (content.segments.length > 0 || content.text.trim() === "") return content.segments;
  return [{ start: 0, end: content.duration, text: content.text.trim() }];
}

/**
 * `content` with segment `index` (of {@link editableSegments}) holding `text` (cleaned with
 * {@link cleanSegmentText}) and the whole text rebuilt; every timing and every other field kept.
 * Returns null when nothing would change or there is no such segment, so a caller never records
 * an empty edit.
 */
export function withSegmentText<T extends TranscriptContent>(content: T, index: number, text: string): T | null {
  const segments = editableSegments(content);
  const current = segments[index];
  const clean = cleanSegmentText(text);
  if (current === undefined || clean === current.text.trim()) return null;
  const next = segments.map((segment, at) => ({ start: segment.start, end: segment.end, text: at === index ? clean : segment.text }));
  return { ...content, segments: next, text: textFromSegments(next) };
}

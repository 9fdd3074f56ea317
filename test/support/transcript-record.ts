/** Saved transcripts for the history's tests. */
import type { TranscriptRecord } from "../../lib/history/record";

/** A valid record; `overrides` replace its fields. */
export function record(overrides: Partial<TranscriptRecord> = {}): TranscriptRecord {
  return {
    id: "a",
    title: "Title",
    createdAt: 1_000,
    updatedAt: 1_000,
    source: "file",
    duration: 3,
    language: "en",
    text: "Hello world",
    segments: [{ start: 0, end: 3, text: "Hello world" }],
    ...overrides,
  };
}

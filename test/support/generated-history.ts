/** Many realistic transcripts for the history's scale tests: seeded, so every run makes the same ones. */
import type { TranscriptRecord } from "../../lib/history/record";

const WORDS = (
  "the a and of to in we that is it for on with as this was be at by our from they you have not are or " +
  "meeting budget interview lecture chapter question answer project deadline customer report design " +
  "café naïve résumé garçon Zürich Straße København łódź ёлка"
).split(" ");

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `count` transcripts, about `words` words each in 20 segments (ten minutes of audio), newest at
 * index 0 being the largest `createdAt`. Transcript `i` also says `marker<i>x` once, so a search can
 * pick exactly one.
 */
export function generateRecords(count: number, words = 300, seed = 1): TranscriptRecord[] {
  const next = random(seed);
  const records: TranscriptRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const segments = Array.from({ length: 20 }, (_, s) => {
      const text = Array.from({ length: Math.round(words / 20) }, () => WORDS[Math.floor(next() * WORDS.length)] ?? "the").join(" ");
      return { start: s * 30, end: s * 30 + 29.5, text: s === 10 ? `${text} marker${i}x` : text };
    });
    const createdAt = 1_700_000_000_000 + (count - i) * 60_000;
    records.push({
      id: `gen-${i}`,
      title: `Interview ${i}`,
      createdAt,
      updatedAt: createdAt,
      source: i % 3 === 0 ? "recording" : "file",
      duration: 600,
      language: "en",
      text: segments.map((segment) => segment.text).join(" "),
      segments,
      model: "whisper-base",
    });
  }
  return records;
}

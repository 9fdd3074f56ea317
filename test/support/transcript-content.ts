/** Transcripts for the tests of the writers and the JSON format. */
import type { TranscriptContent } from "../../lib/transcript/types";

/** Two segments with text, a language and a duration. */
export const sample: TranscriptContent = {
  text: " Hello there. General Kenobi.",
  segments: [
    { start: 0, end: 4.5, text: " Hello there." },
    { start: 4.5, end: 7.25, text: " General Kenobi." },
  ],
  language: "en",
  duration: 7.5,
};

/** Nothing transcribed. */
export const empty: TranscriptContent = { text: "", segments: [], language: null, duration: 0 };

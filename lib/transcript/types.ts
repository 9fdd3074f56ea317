/**
 * What a transcription produces, independent of how it was made: the worker, the history, the
 * exports and the relay all speak these types.
 */

/** A stretch of text with its position in the audio, in seconds. */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The finished transcription of one input. */
export interface TranscriptResult {
  readonly text: string;
  readonly segments: readonly Segment[];
  /** The language asked for, or the one Whisper detected; null when unknown. */
  readonly language: string | null;
  /** Audio length in seconds. */
  readonly duration: number;
  /** Wall time spent in the model, in milliseconds. */
  readonly elapsedMs: number;
}

/** The part of a {@link TranscriptResult} the writers read; a stored history record satisfies it too. */
export type TranscriptContent = Pick<TranscriptResult, "text" | "segments" | "language" | "duration">;

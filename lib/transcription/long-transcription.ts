/**
 * Transcribes audio of any length by feeding the worker one 30-second window at a time, each
 * starting where Whisper's last complete segment ended (see `stepWindow`), so neither side ever
 * holds more than a window of samples beyond the decoded file (and a file decoded as a stream is
 * only decoded a window ahead). Silent windows never reach the model, Whisper's known silence phrases are dropped, the
 * language detected in the first spoken window is kept for the rest, and cancelling stops within
 * the current window while keeping the text so far.
 */
import type { LanguageChoice } from "./language-choice";
import { analyzeSpeech } from "../audio/silence-gate";
import type { AudioSource } from "../audio/source";
import { segmentsToText, stepWindow, WINDOW_SECONDS } from "./windows";
import type { TranscribeOptions, WindowResult } from "./worker-protocol";
import type { Segment, TranscriptResult } from "../transcript/types";
import { SAMPLE_RATE } from "../audio/sample-rate";
import { shouldDiscardTranscript } from "../audio/hallucination-filter";

/** What the orchestrator needs from the worker client (TranscriberClient fits). */
export interface WindowTranscriber {
  transcribe(
    audio: Float32Array,
    options: TranscribeOptions,
    onProgress: (progress: { readonly stage: string; readonly partialText?: string }) => void,
  ): { readonly requestId: string; readonly outcome: Promise<{ readonly kind: "done"; readonly result: WindowResult } | { readonly kind: "cancelled" }> };
  cancel(requestId: string): void;
}

/** Progress of a long transcription, per window, with the text so far. */
export interface LongProgress {
  /** 1-based index of the window being worked on. */
  readonly window: number;
  readonly windows: number;
  /** Windows skipped because they held no speech. */
  readonly silentWindows: number;
  /** Text of the finished windows plus what the current one has produced so far. */
  readonly partialText: string;
}

/** How a long transcription ended. */
export type LongOutcome =
  | { readonly kind: "done"; readonly result: TranscriptResult; readonly silentWindows: number; readonly windows: number; readonly languageChoice?: LanguageChoice }
  | { readonly kind: "cancelled"; readonly partialText: string; readonly segments: readonly Segment[] };

/** A running long transcription. */
export interface LongRun {
  readonly outcome: Promise<LongOutcome>;
  /** Stops after at most the current window's decoder step; the text so far is kept. */
  cancel(): void;
}

/**
 * Starts transcribing `source`. Failures of the worker (e.g. out of memory) reject `outcome` so the
 * caller can step down to a smaller model.
 */
export function transcribeLong(source: AudioSource, transcriber: WindowTranscriber, options: TranscribeOptions, onProgress: (progress: LongProgress) => void): LongRun {
  let cancelled = false;
  let current: string | null = null;

  const run = async (): Promise<LongOutcome> => {
    const started = Date.now();
    const size = Math.round(WINDOW_SECONDS * SAMPLE_RATE);
    let language = options.language;
    let languageChoice: LanguageChoice | undefined;
    let segments: Segment[] = [];
    let silentWindows = 0;
    let index = 0;
    for (let start = 0; start < source.length && !cancelled; index += 1) {
      // A stream decodes as it is read: after the read its length is exact or past this window.
      const samples = await source.read(start, start + size);
      if (samples.length === 0 || cancelled) break;
      const end = start + samples.length;
      const last = end >= source.length;
      // Windows start where Whisper's last complete segment ended, so the count is an estimate.
      const windows = index + 1 + Math.ceil((source.length - end) / size);
      const analysis = analyzeSpeech(samples, { sampleRate: SAMPLE_RATE });
      const base = segmentsToText(segments);
      onProgress({ window: index + 1, windows, silentWindows, partialText: base });
      if (!analysis.speech) {
        silentWindows += 1;
        start = end;
        continue;
      }
      const asked = language === null && options.preferredLanguages !== undefined ? { language, task: options.task, preferredLanguages: options.preferredLanguages } : { language, task: options.task };
      const request = transcriber.transcribe(samples, asked, (progress) => {
        if (progress.partialText === undefined) return;
        const partialText = [base, progress.partialText].filter((text) => text !== "").join(" ");
        onProgress({ window: index + 1, windows, silentWindows, partialText });
      });
      current = request.requestId;
      if (cancelled) transcriber.cancel(request.requestId);
      const outcome = await request.outcome;
      current = null;
      if (outcome.kind === "cancelled") break;
      if (language === null) languageChoice = outcome.result.languageChoice;
      language ??= outcome.result.language;
      const discard = shouldDiscardTranscript(outcome.result.text, analysis);
      const step = stepWindow(discard ? [] : outcome.result.segments, start, end - start, last, discard ? null : (outcome.result.resumeAt ?? null));
      segments = [...segments, ...step.keep];
      start = step.nextStart;
    }
    if (cancelled) return { kind: "cancelled", partialText: segmentsToText(segments), segments };
    return {
      kind: "done",
      silentWindows,
      windows: index,
      ...(languageChoice === undefined ? {} : { languageChoice }),
      result: { text: segmentsToText(segments), segments, language, duration: source.duration, elapsedMs: Date.now() - started },
    };
  };

  return {
    outcome: run(),
    cancel() {
      cancelled = true;
      if (current !== null) transcriber.cancel(current);
    },
  };
}

/**
 * Transcribes a recording while it is being recorded: each window closed by a pause (or by the 30 s
 * limit) goes to the worker as soon as the worker is free, one at a time, while the recording
 * goes on, so text appears within seconds of each pause; stopping leaves only the tail to do.
 * Windows wait their turn when the model is slower than speech, and a window's samples are released
 * once its text is in (./live-windows.ts). The same rules as for files (./long-transcription.ts):
 * silent windows never reach the model, Whisper's silence phrases are dropped, and the language
 * detected in the first spoken window is kept for the rest.
 */
import { analyzeSpeech } from "../audio/silence-gate";
import { shouldDiscardTranscript } from "../audio/hallucination-filter";
import { SAMPLE_RATE } from "../audio/sample-rate";
import type { LanguageChoice } from "./language-choice";
import type { LongOutcome, LongProgress, LongRun, WindowTranscriber } from "./long-transcription";
import { LiveWindows, type LiveWindowOptions } from "./live-windows";
import { segmentsToText } from "./windows";
import type { TranscribeOptions } from "./worker-protocol";

/** Progress of a live transcription: {@link LongProgress} with `live` saying whether the recording still runs. */
export interface LiveProgress extends LongProgress {
  readonly live: "recording" | "finishing";
}

/** A live transcription; make one with {@link createLiveTranscription}. */
export interface LiveTranscription {
  /** Adds recorded 16 kHz mono samples. */
  push(samples: Float32Array): void;
  /** The recording paused: what came so far is a window of its own. */
  cut(): void;
  /** The recording stopped: the tail is transcribed and the run's outcome resolves. */
  end(): void;
  /** Stops within the current window; the run's outcome is "cancelled" with the text so far. */
  cancel(): void;
  /**
   * Works through the windows on `transcriber` until the recording ended and all is transcribed.
   * A failing window rejects the outcome and stays queued with its samples, so `run` on another
   * transcriber (a smaller model) carries on from it, keeping the text so far. One run at a time.
   */
  run(transcriber: WindowTranscriber): LongRun;
  /** Samples held (not yet transcribed) and received, for memory checks. */
  readonly windows: LiveWindows;
}

/** Starts an empty live transcription; feed it with `push` and drive it with `run`. */
export function createLiveTranscription(options: TranscribeOptions, onProgress: (progress: LiveProgress) => void, windowOptions: LiveWindowOptions = {}): LiveTranscription {
  const windows = new LiveWindows(windowOptions);
  let language = options.language;
  let languageChoice: LanguageChoice | undefined;
  let silentWindows = 0;
  let elapsedMs = 0;
  let cancelled = false;
  let working = false;
  let current: { readonly transcriber: WindowTranscriber; readonly requestId: string } | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const report = (partial = ""): void => {
    const done = windows.windowsDone;
    const base = segmentsToText(windows.segments);
    onProgress({
      window: done + (working ? 1 : 0),
      windows: done + windows.ready,
      silentWindows,
      partialText: [base, partial].filter((text) => text !== "").join(" "),
      live: windows.hasEnded ? "finishing" : "recording",
    });
  };

  const cancel = (): void => {
    cancelled = true;
    if (current !== null) current.transcriber.cancel(current.requestId);
    notify();
  };

  const run = (transcriber: WindowTranscriber): LongRun => {
    const outcome = (async (): Promise<LongOutcome> => {
      report();
      while (!cancelled && !windows.done) {
        const window = windows.next();
        if (window === null) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        const samples = windows.samples(window);
        const analysis = analyzeSpeech(samples, { sampleRate: SAMPLE_RATE });
        if (!analysis.speech) {
          silentWindows += 1;
          windows.accept(window);
          report();
          continue;
        }
        working = true;
        report();
        const asked = language === null && options.preferredLanguages !== undefined ? { language, task: options.task, preferredLanguages: options.preferredLanguages } : { language, task: options.task };
        const started = Date.now();
        const request = transcriber.transcribe(samples, asked, (progress) => {
          if (progress.partialText !== undefined) report(progress.partialText);
        });
        current = { transcriber, requestId: request.requestId };
        if (cancelled) transcriber.cancel(request.requestId);
        const result = await request.outcome.finally(() => {
          current = null;
          working = false;
        });
        elapsedMs += Date.now() - started;
        if (result.kind === "cancelled") break;
        if (language === null) languageChoice = result.result.languageChoice;
        language ??= result.result.language;
        const discard = shouldDiscardTranscript(result.result.text, analysis);
        windows.accept(window, discard ? [] : result.result.segments, discard ? null : (result.result.resumeAt ?? null));
        report();
      }
      const segments = windows.segments;
      if (cancelled) return { kind: "cancelled", partialText: segmentsToText(segments), segments };
      return {
        kind: "done",
        silentWindows,
        windows: windows.windowsDone,
        ...(languageChoice === undefined ? {} : { languageChoice }),
        result: { text: segmentsToText(segments), segments, language, duration: windows.received / SAMPLE_RATE, elapsedMs },
      };
    })();
    return { outcome, cancel };
  };

  return {
    windows,
    push(samples) {
      windows.push(samples);
      if (windows.next() !== null) notify();
    },
    cut() {
      windows.cut();
      notify();
    },
    end() {
      windows.end();
      report();
      notify();
    },
    cancel,
    run,
  };
}

/**
 * Where a transcription stands and how it ended, as the UI and the Telegram runner see it, plus the
 * mapping from the worker's load progress to a phase.
 */
import type { LanguageChoice } from "./language-choice";
import type { Attempt } from "../model/catalog";
import type { TranscriptResult } from "../transcript/types";
import type { ProgressEvent } from "./worker-protocol";

/** Where a transcription stands; the UI renders one of these. */
export type Phase =
  | { readonly kind: "idle" }
  | { readonly kind: "decoding"; readonly fileName: string }
  | { readonly kind: "loading"; readonly file: string; readonly loaded: number; readonly total: number }
  | {
      readonly kind: "transcribing";
      readonly window: number;
      readonly windows: number;
      readonly silentWindows: number;
      readonly partialText: string;
      /** Set while a recording is transcribed as it is recorded: still recording, or finishing its tail after stop. */
      readonly live?: "recording" | "finishing";
    }
  | { readonly kind: "done"; readonly result: TranscriptResult; readonly fileName: string; readonly attempt: Attempt; readonly silentWindows: number; readonly windows: number; readonly languageChoice?: LanguageChoice }
  | { readonly kind: "cancelled"; readonly partialText: string }
  /** `message` is a sentence for the user; `details`, when set, the original error for the disclosure. */
  | { readonly kind: "error"; readonly message: string; readonly details?: string };

/** What a finished or failed run reports back to its caller (the Telegram inbox uses this). */
export type RunOutcome =
  /** `languageChoice`: when the language was left to detection, which was used and why. */
  | { readonly kind: "done"; readonly result: TranscriptResult; readonly attempt: Attempt; readonly languageChoice?: LanguageChoice }
  | { readonly kind: "cancelled"; readonly partialText: string }
  | {
      readonly kind: "failed";
      readonly message: string;
      /**
       * `input`: the file is not audio we can read; `empty`: it is empty, cut short or damaged, or
       * has no sound; `memory`: every attempt of the plan ran out of memory.
       */
      readonly reason?: "input" | "empty" | "memory" | "other";
    };

/** True while a run is decoding, loading or transcribing: the page should not start another. */
export function isBusyPhase(phase: Phase): boolean {
  return phase.kind === "decoding" || phase.kind === "loading" || phase.kind === "transcribing";
}

/** The phase a model-load progress event shows, or null for events that do not change it (text). */
export function loadPhase(progress: ProgressEvent): Phase | null {
  switch (progress.stage) {
    case "download":
      return { kind: "loading", file: progress.file, loaded: progress.loaded, total: progress.total };
    case "loading":
      return { kind: "loading", file: progress.file, loaded: 0, total: 0 };
    case "text":
      return null;
  }
}

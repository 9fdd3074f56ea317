/**
 * The typed message protocol between the page and the transcription Web Worker.
 * Both directions are discriminated unions; each side handles them with an exhaustive `switch`.
 * Every request carries a `requestId`; every answer names the request it belongs to, so a late
 * answer for a cancelled or superseded request can be recognised and dropped.
 */
import type { Attempt, ModelId, ModelSource } from "../model/catalog";
import type { Segment } from "../transcript/types";
import type { LanguageChoice, PreferredLanguage } from "./language-choice";

/** How ONNX Runtime should run inside the worker. */
export interface RuntimeOptions {
  /** Folder (same origin) holding `ort-wasm-simd-threaded*.{mjs,wasm}`, e.g. `/ort/`. */
  readonly ortBaseUrl: string;
  /** WASM threads; 1 unless the page is cross-origin isolated. */
  readonly threads: number;
}

/** What the user asked of one transcription. */
export interface TranscribeOptions {
  /** An ISO 639-1 code such as "en", or null to let Whisper detect the language. */
  readonly language: string | null;
  readonly task: "transcribe" | "translate";
  /** The user's own languages, preferred when detection is unsure (see language-choice.ts); only read when `language` is null. */
  readonly preferredLanguages?: readonly PreferredLanguage[];
}

/** The worker's answer for one window of at most 30 s; timestamps are relative to the window. */
export interface WindowResult {
  readonly text: string;
  readonly segments: readonly Segment[];
  /** The language asked for, or the one detected in this window. */
  readonly language: string;
  /** When the language was not given: which was used and why. */
  readonly languageChoice?: LanguageChoice;
  readonly elapsedMs: number;
  /**
   * Window-relative seconds where the decoder opened a segment it did not finish (speech cut by the
   * window's edge): the next window should start there. Absent or null when the window ended cleanly.
   */
  readonly resumeAt?: number | null;
}

/** An error as it crosses the worker boundary (Error objects do not survive structured clone intact). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  /** Our stable error code when the error is an AppError, else "unknown". */
  readonly code: string;
}

/**
 * Test builds only (built with NEXT_PUBLIC_TEST_HOOKS=1; production builds drop the code): make
 * the load or the run of one model fail with `message`, as a real memory failure would.
 */
export interface TestFault {
  readonly stage: "load" | "transcribe";
  readonly model: ModelId;
  readonly message: string;
}

/** True in test builds; a build-time constant, so production bundles contain no test hooks. */
export const TEST_HOOKS_ENABLED: boolean = process.env.NEXT_PUBLIC_TEST_HOOKS === "1";

/** Messages the page sends to the worker. */
export type WorkerRequest =
  | {
      readonly type: "load";
      readonly requestId: string;
      readonly attempt: Attempt;
      readonly source: ModelSource;
      readonly runtime: RuntimeOptions;
      /** Only honoured when {@link TEST_HOOKS_ENABLED}. */
      readonly fault?: TestFault;
    }
  | {
      readonly type: "transcribe";
      readonly requestId: string;
      /** At most 30 s of 16 kHz mono samples; transferred, not copied. Longer audio is windowed by the page (lib/transcription/long-transcription.ts). */
      readonly audio: Float32Array;
      readonly options: TranscribeOptions;
    }
  | { readonly type: "cancel"; readonly requestId: string };

/** Stages a request goes through, for progress lines. */
export type ProgressEvent =
  | {
      readonly stage: "download";
      readonly file: string;
      readonly loaded: number;
      /** Total bytes, or 0 when the server did not say. */
      readonly total: number;
    }
  | { readonly stage: "loading"; readonly file: string }
  /** Text of the window being transcribed so far, as tokens come out of the decoder. */
  | { readonly stage: "text"; readonly partialText: string };

/** Messages the worker sends to the page. */
export type WorkerResponse =
  | { readonly type: "progress"; readonly requestId: string; readonly progress: ProgressEvent }
  | { readonly type: "loaded"; readonly requestId: string; readonly attempt: Attempt; readonly elapsedMs: number }
  | { readonly type: "result"; readonly requestId: string; readonly result: WindowResult }
  | { readonly type: "cancelled"; readonly requestId: string }
  | { readonly type: "error"; readonly requestId: string; readonly error: SerializedError };

/** Makes a request id that is unique within the page. */
export function newRequestId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

function hasString(value: object, key: string): boolean {
  return key in value && typeof Reflect.get(value, key) === "string";
}

/** Flattens anything thrown into a {@link SerializedError} that survives `postMessage`. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = "code" in error && typeof error.code === "string" ? error.code : "unknown";
    return { name: error.name, message: error.message || error.name, code };
  }
  if (typeof error === "object" && error !== null && hasString(error, "message")) {
    const message = String(Reflect.get(error, "message"));
    const name = hasString(error, "name") ? String(Reflect.get(error, "name")) : "Error";
    return { name, message, code: "unknown" };
  }
  return { name: "Error", message: typeof error === "string" ? error : String(error), code: "unknown" };
}

const REQUEST_TYPES: ReadonlySet<string> = new Set(["load", "transcribe", "cancel"]);

/** True when `data` (from a MessageEvent) looks like a {@link WorkerRequest}; the worker ignores anything else. */
export function isWorkerRequest(data: unknown): data is WorkerRequest {
  return (
    typeof data === "object" &&
    data !== null &&
    hasString(data, "type") &&
    hasString(data, "requestId") &&
    REQUEST_TYPES.has(String(Reflect.get(data, "type")))
  );
}

const RESPONSE_TYPES: ReadonlySet<string> = new Set(["progress", "loaded", "result", "cancelled", "error"]);

/** True when `data` looks like a {@link WorkerResponse}; the page ignores anything else. */
export function isWorkerResponse(data: unknown): data is WorkerResponse {
  return (
    typeof data === "object" &&
    data !== null &&
    hasString(data, "type") &&
    hasString(data, "requestId") &&
    RESPONSE_TYPES.has(String(Reflect.get(data, "type")))
  );
}

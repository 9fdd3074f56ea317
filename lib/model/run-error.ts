/**
 * What a failed model load or run means for the plan: step down (memory), leave WebGPU
 * (webgpu-unavailable), try other files (download), or stop (input, cancelled, other).
 *
 * Errors reach us as `Error` objects, as strings, or as plain `{ name, message }` objects after a
 * structured clone out of the worker; {@link classifyRunError} reads all of these, following
 * `cause` chains, and matches a table of signatures taken from the runtimes we ship
 * (V8, ONNX Runtime Web, Emscripten, WebGPU, transformers.js).
 */
import { AppError } from "../errors";
import { MODEL_ORDER, describeAttempt, type Attempt } from "./catalog";
import { isRecord } from "../guards";

/** Why a load or run failed, as far as choosing the next attempt is concerned. */
export type RunErrorKind =
  /** The device ran out of memory (CPU heap, WASM heap or GPU): try a smaller model or WASM. */
  | "memory"
  /** WebGPU cannot be used here (no adapter, no fp16, kernel or pipeline failure): use WASM. */
  | "webgpu-unavailable"
  /** Model files could not be fetched or were corrupt: try an attempt that needs other files. */
  | "download"
  /** The audio itself is bad (undecodable, empty): no model will do better; tell the user. */
  | "input"
  /** The user or the app cancelled: do nothing further. */
  | "cancelled"
  /** Anything else: report it, do not step down (a bug should not masquerade as a smaller model). */
  | "other";

/** Every {@link RunErrorKind}, most decisive first: when a cause chain matches several, the earliest wins. */
export const RUN_ERROR_KINDS: readonly RunErrorKind[] = ["cancelled", "memory", "input", "download", "webgpu-unavailable", "other"];

function isRunErrorKind(value: unknown): value is RunErrorKind {
  return typeof value === "string" && RUN_ERROR_KINDS.some((kind) => kind === value);
}

/**
 * The error the worker throws (or posts back) once it knows what a failure means. Its `code` is
 * `model-<kind>`, which survives a structured clone, so {@link classifyRunError} recognises it
 * on the other side without matching text again.
 */
export class ModelRunError extends AppError {
  override readonly name = "ModelRunError";
  readonly kind: RunErrorKind;
  readonly attempt: Attempt | undefined;

  constructor(kind: RunErrorKind, message: string, options: { cause?: unknown; attempt?: Attempt } = {}) {
    super(`model-${kind}`, message, {
      cause: options.cause,
      context: options.attempt === undefined ? { kind } : { kind, attempt: describeAttempt(options.attempt) },
    });
    this.kind = kind;
    this.attempt = options.attempt;
  }
}

/** One row of the signature table: text that, found in an error, means `kind`. */
export interface ErrorSignature {
  readonly kind: RunErrorKind;
  readonly pattern: RegExp;
  /** Where the shape comes from and why it means `kind`. */
  readonly source: string;
}

/**
 * The signature table. Each error node is matched as the text `"<name>: <message> [<code>]"`.
 * Deliberately absent: `RuntimeError: memory access out of bounds`, a WASM trap that in ONNX Runtime
 * Web has come from alignment faults and mis-minified builds (microsoft/onnxruntime#21355, #16984),
 * not from exhaustion — it classifies as "other".
 */
export const ERROR_SIGNATURES: readonly ErrorSignature[] = [
  // cancelled
  { kind: "cancelled", pattern: /^AbortError\b/, source: "DOMException from AbortSignal / fetch abort" },
  { kind: "cancelled", pattern: /\[(?:cancell?ed|aborted)\]/i, source: "our own error codes" },
  { kind: "cancelled", pattern: /\bcancell?ed by (?:the )?user\b|\bthe operation was aborted\b|\bsignal is aborted\b/i, source: "abort messages" },
  { kind: "cancelled", pattern: /\[device-lost:destroyed\]/, source: "GPUDeviceLostInfo after our own device.destroy()" },
  // memory
  { kind: "memory", pattern: /array buffer allocation failed/i, source: "V8 RangeError when an ArrayBuffer cannot be backed (transformers.js#846)" },
  { kind: "memory", pattern: /out of memory|OutOfMemory|\(OOM\)/i, source: "Firefox/Safari/WASM grow, GPUOutOfMemoryError, Emscripten abortOnCannotGrowMemory" },
  { kind: "memory", pattern: /failed to allocate|allocation failed|(?:could|can)(?: ?not|'t) allocate|unable to allocate/i, source: "ORT BFC arena, ORT 'Can't create a session. failed to allocate a buffer', WebAssembly.Memory()" },
  { kind: "memory", pattern: /bad[_ ]alloc/i, source: "std::bad_alloc surfaced through OrtGetLastError ('bad allocation' on some builds)" },
  { kind: "memory", pattern: /cannot enlarge memory|maximum memory size exceeded/i, source: "Emscripten heap growth, WebAssembly.Memory.grow()" },
  { kind: "memory", pattern: /offset is out of bounds/i, source: "typed-array view over an exhausted WASM heap (maintainer, transformers.js#806)" },
  {
    kind: "memory",
    pattern: /(?:^|: )Aborted\(\)/,
    source:
      "bare Emscripten abort: with heap growth on, ORT-web's usual abort is a failed allocation off the API boundary (e.g. in a pthread); large-model loads in microsoft/onnxruntime#13445",
  },
  { kind: "memory", pattern: /error code = 6\b/, source: "older ORT-web OrtRun failure, 'usually out of memory' (maintainer, xenova/whisper-web#19)" },
  { kind: "memory", pattern: /^(?:\w*Error: )?\d{5,}$/, source: "raw C++ exception pointer thrown by older ORT-web on large models (microsoft/onnxruntime#17964, #9178)" },
  { kind: "memory", pattern: /device (?:was |is |has been )?lost\b|\[device-lost:unknown\]|DXGI_ERROR_DEVICE_REMOVED/i, source: "GPUDevice lost: the GPU process dropped the device, usually memory pressure (DESIGN.md)" },
  { kind: "memory", pattern: /invalid buffer|\bbuffer\b[^.]*\bis invalid\b/i, source: "WebGPU buffer whose creation failed (allocation or size limit), then used" },
  // input
  { kind: "input", pattern: /^EncodingError\b/, source: "decodeAudioData rejects undecodable audio" },
  {
    kind: "input",
    pattern: /decodeAudioData|unable to decode|decoding failed|(?:could not|cannot|can't) (?:be )?decode|unknown content type|unsupported audio|no audio (?:data|track)|audio is empty/i,
    source: "Chromium/Firefox/Safari decode messages",
  },
  { kind: "input", pattern: /\[(?:audio-[\w-]+|input|decode[\w-]*)\]/i, source: "our own audio error codes" },
  // download
  {
    kind: "download",
    pattern: /could not locate file|file was not found locally|unauthorized access to file|forbidden access to file|occurred while trying to load file|protobuf parsing failed|failed to load external data file/i,
    source: "transformers.js hub/file errors (its ERROR_MAPPING for 400–504), ORT on a truncated model or a missing .onnx_data",
  },
  { kind: "download", pattern: /failed to fetch|networkerror|network error|^TypeError: Load failed$|ERR_INTERNET_DISCONNECTED/i, source: "fetch failures (Chromium, Firefox, Safari)" },
  // webgpu-unavailable
  {
    kind: "webgpu-unavailable",
    pattern: /failed to get gpu adapter|no available backend.*webgpu|webgpu is not supported|does not support fp16|invalid gpu adapter|navigator\.gpu|requestAdapter|requestDevice/i,
    source: "ORT-web initEp and transformers.js device checks",
  },
  { kind: "webgpu-unavailable", pattern: /\bwebgpu\b|\bGPU(?:Validation|Pipeline|Internal)Error\b|\bjsep\b/i, source: "any other WebGPU-specific failure: WASM is the remedy" },
];

const MAX_DEPTH = 5;

/** Flattens an error, its `cause` chain, `errors` (AggregateError) and `error` (ErrorEvent) into texts. */
function errorTexts(error: unknown, depth: number, out: string[]): string[] {
  if (depth > MAX_DEPTH || error === undefined || error === null) return out;
  if (typeof error === "string") {
    out.push(error);
    return out;
  }
  if (typeof error === "number" || typeof error === "bigint") {
    out.push(String(error));
    return out;
  }
  if (!isRecord(error)) return out;
  const name = typeof error.name === "string" ? error.name : "";
  const message = typeof error.message === "string" ? error.message : "";
  const code = typeof error.code === "string" || typeof error.code === "number" ? String(error.code) : "";
  // A GPUDeviceLostInfo has `reason` ("destroyed" when we destroyed the device, else "unknown") and no name.
  const lost = (error.reason === "destroyed" || error.reason === "unknown") && name === "" ? `[device-lost:${error.reason}]` : "";
  const text = [name !== "" && message !== "" ? `${name}: ${message}` : name || message, code !== "" ? `[${code}]` : "", lost]
    .filter((part) => part !== "")
    .join(" ");
  if (text !== "") out.push(text);
  if ("cause" in error) errorTexts(error.cause, depth + 1, out);
  if ("error" in error && error.error !== error) errorTexts(error.error, depth + 1, out);
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors.slice(0, 8)) errorTexts(inner, depth + 1, out);
  }
  return out;
}

function kindOfText(text: string): RunErrorKind {
  const own = /\[model-([a-z-]+)\]/.exec(text);
  if (own !== null && isRunErrorKind(own[1])) return own[1];
  return ERROR_SIGNATURES.find((signature) => signature.pattern.test(text))?.kind ?? "other";
}

/**
 * Says what a failed model load or run means, from any shape it arrives in: an `Error`, a string,
 * a number (old ONNX Runtime), or a plain `{ name, message, code?, cause? }` object cloned out of a
 * worker. Every node of the cause chain is read; when they disagree, the most decisive kind wins
 * (order of {@link RUN_ERROR_KINDS}: cancelled, memory, input, download, webgpu-unavailable, other).
 */
export function classifyRunError(error: unknown): RunErrorKind {
  const kinds = errorTexts(error, 0, []).map(kindOfText);
  return RUN_ERROR_KINDS.find((kind) => kinds.includes(kind)) ?? "other";
}

function modelRank(attempt: Attempt): number {
  return MODEL_ORDER.indexOf(attempt.model);
}

/** True when `candidate` needs less memory than `failed`: a smaller model, or the same one moved off the GPU. */
function isLighter(failed: Attempt, candidate: Attempt): boolean {
  const failedRank = modelRank(failed);
  const candidateRank = modelRank(candidate);
  return candidateRank < failedRank || (candidateRank === failedRank && failed.device === "webgpu" && candidate.device === "wasm");
}

function sameFiles(a: Attempt, b: Attempt): boolean {
  return a.model === b.model && a.dtype.encoder === b.dtype.encoder && a.dtype.decoder === b.dtype.decoder;
}

/**
 * Which later attempts may follow a failure of each kind; `null`: none, stop and report.
 * Candidates are only ever searched after the failed index, so no plan can loop.
 */
export const STEP_DOWN_RULES: Readonly<Record<RunErrorKind, ((failed: Attempt, candidate: Attempt) => boolean) | null>> = {
  memory: isLighter,
  "webgpu-unavailable": (_failed, candidate) => candidate.device === "wasm",
  download: (failed, candidate) => !sameFiles(failed, candidate),
  input: null,
  cancelled: null,
  other: null,
};

/**
 * The index of the attempt to try after `plan`'s attempt at `failedIndex` failed with `kind`, or
 * `null` to stop. Memory: the next attempt with a smaller model, or the same model on WASM after
 * WebGPU. WebGPU unavailable: the next WASM attempt (every WebGPU one is skipped). Download: the
 * next attempt that needs different files. Input, cancelled, other: `null`. Always moves forward.
 */
export function nextAttemptAfterFailure(
  plan: { readonly attempts: readonly Attempt[] } | readonly Attempt[],
  failedIndex: number,
  kind: RunErrorKind,
): number | null {
  const attempts = "attempts" in plan ? plan.attempts : plan;
  const failed = attempts[failedIndex];
  const rule = STEP_DOWN_RULES[kind];
  if (failed === undefined || rule === null || !Number.isInteger(failedIndex)) return null;
  for (let index = failedIndex + 1; index < attempts.length; index += 1) {
    const candidate = attempts[index];
    if (candidate !== undefined && rule(failed, candidate)) return index;
  }
  return null;
}

/** Words for the status line: "Whisper base on WebGPU ran out of memory", etc. */
export const RUN_ERROR_LABELS: Readonly<Record<RunErrorKind, string>> = {
  memory: "ran out of memory",
  "webgpu-unavailable": "could not use WebGPU",
  download: "could not download its model files",
  input: "could not read the audio",
  cancelled: "was cancelled",
  other: "failed",
};

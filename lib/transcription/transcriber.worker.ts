/**
 * The Web Worker that owns the Whisper model. Only this file imports transformers.js, so ONNX
 * Runtime never runs on the page's main thread. It holds at most one pipeline; loading another
 * disposes the first. Every request is answered, failures included, and a failure leaves the worker
 * ready for the next request. See lib/transcription/worker-protocol.ts for the messages.
 */
import {
  env,
  pipeline,
  type AutomaticSpeechRecognitionPipeline,
  type ProgressInfo,
} from "@huggingface/transformers";
// The ONNX Runtime build transformers.js itself imports (same package, same entry point).
import { InferenceSession } from "onnxruntime-web/webgpu";
import { AppError } from "../errors";
import { attemptFiles, MODELS, type Attempt } from "../model/catalog";
import { attemptStored, hubHost, MODEL_CACHE_NAME } from "../model/cache";
import { browserCaches } from "../cache-storage";
import { detectLanguageGuesses } from "./language-detect";
import { chooseLanguage } from "./language-choice";
import { transcribeWindow } from "./whisper-window";
import { isWorkerRequest, serializeError, TEST_HOOKS_ENABLED, type ProgressEvent, type RuntimeOptions, type TestFault, type WorkerRequest, type WorkerResponse } from "./worker-protocol";
import type { ModelSource } from "../model/catalog";
import { installDecoderSlimming } from "../model/slim-fetch";
import { GpuDeviceWatch } from "./gpu-device-loss";
import { leanSessions } from "./lean-sessions";

// Merged decoders load slimmed (lib/model/slim-fetch.ts) and are cached slimmed.
installDecoderSlimming(env, MODEL_CACHE_NAME);
// Sessions hold each weight once and never the whole encoder attention: a lower WASM heap peak.
leanSessions(InferenceSession);

/** Raised inside the worker; its `code` reaches the page through {@link serializeError}. */
class WorkerError extends AppError {
  override readonly name = "WorkerError";
}

interface Loaded {
  readonly attempt: Attempt;
  readonly pipe: AutomaticSpeechRecognitionPipeline;
}

interface RunningJob {
  readonly requestId: string;
  /** Set by a cancel; the decoder polls it after every token. */
  cancelled: boolean;
}

let loaded: Loaded | null = null;
let running: RunningJob | null = null;
/** Cancels that arrived while their transcription was still queued. */
const cancelledEarly = new Set<string>();
/** Requests are served one at a time, in order; cancel is the exception and acts at once. */
let queue: Promise<void> = Promise.resolve();
let runtimeConfigured = false;
/** Test builds only: a failure to inject into the next run of the loaded model. */
let pendingFault: TestFault | null = null;
/** The WebGPU device, so that a failure after it was lost is reported as such. */
const gpuDevice = new GpuDeviceWatch();

function injectFault(stage: TestFault["stage"], model: Attempt["model"]): void {
  if (!TEST_HOOKS_ENABLED || pendingFault === null) return;
  if (pendingFault.stage === stage && pendingFault.model === model) throw new RangeError(pendingFault.message);
}

function post(message: WorkerResponse): void {
  self.postMessage(message);
}

function sameAttempt(a: Attempt, b: Attempt): boolean {
  return a.model === b.model && a.device === b.device && a.dtype.encoder === b.dtype.encoder && a.dtype.decoder === b.dtype.decoder;
}

function configureRuntime(attempt: Attempt, source: ModelSource, runtime: RuntimeOptions): void {
  // transformers.js points ONNX Runtime at a CDN on import; serve our own copy instead. WebGPU
  // needs the asyncify build, WASM the plain one. A worker serves one device for its lifetime
  // (the page starts a new worker to change device), so this is set once.
  if (!runtimeConfigured) {
    const build = attempt.device === "webgpu" ? "ort-wasm-simd-threaded.asyncify" : "ort-wasm-simd-threaded";
    const base = new URL(runtime.ortBaseUrl, self.location.origin).href;
    const wasm = env.backends.onnx.wasm;
    if (wasm !== undefined) {
      wasm.wasmPaths = { mjs: `${base}${build}.mjs`, wasm: `${base}${build}.wasm` };
      wasm.numThreads = runtime.threads;
    }
    runtimeConfigured = true;
  }
  if (source.kind === "self-hosted") {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    // A path, not an absolute URL: transformers.js 4.3 only probes local files that are not URLs
    // (get_file_metadata), so with an absolute URL it finds no preprocessor or tokenizer and the
    // pipeline has no processor. Cache keys still come out absolute (the Cache API resolves them).
    env.localModelPath = source.baseUrl;
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = hubHost(source);
  }
  env.useBrowserCache = true;
  // One stored copy of everything: model files live in transformers.js' cache (listed and deleted
  // by the settings panel, lib/model/cache.ts); the service worker precaches ONNX Runtime's files,
  // so transformers.js must not store them a second time.
  env.cacheKey = MODEL_CACHE_NAME;
  env.useWasmCache = false;
}

function modelName(attempt: Attempt, source: ModelSource): string {
  return source.kind === "self-hosted" ? attempt.model : MODELS[attempt.model].hubRepo;
}

function progressFrom(info: ProgressInfo): ProgressEvent | null {
  switch (info.status) {
    case "progress":
      return { stage: "download", file: info.file, loaded: info.loaded, total: info.total };
    case "initiate":
    case "download":
      return { stage: "loading", file: info.file };
    case "done":
    case "ready":
    case "progress_total":
      return null;
  }
}

async function dispose(): Promise<void> {
  const current = loaded;
  loaded = null;
  if (current !== null) await current.pipe.dispose();
}

async function load(request: Extract<WorkerRequest, { type: "load" }>): Promise<void> {
  const started = performance.now();
  if (loaded !== null && sameAttempt(loaded.attempt, request.attempt)) {
    post({ type: "loaded", requestId: request.requestId, attempt: loaded.attempt, elapsedMs: 0 });
    return;
  }
  await dispose();
  configureRuntime(request.attempt, request.source, request.runtime);
  const { attempt } = request;
  if (TEST_HOOKS_ENABLED) pendingFault = request.fault ?? null;
  injectFault("load", attempt.model);
  // A model read from this device's cache gets no progress callback: transformers.js then reads
  // each file with one arrayBuffer() instead of copying it chunk by chunk into a second buffer (the
  // model's size again in garbage while memory peaks), and there is no download to report.
  const storage = browserCaches();
  const stored = storage !== null && (await attemptStored(storage, attempt, request.source, self.location.origin));
  if (stored) post({ type: "progress", requestId: request.requestId, progress: { stage: "loading", file: attemptFiles(attempt.dtype).filter((file) => file.endsWith(".onnx")).join(", ") } });
  const pipe = await pipeline("automatic-speech-recognition", modelName(attempt, request.source), {
    device: attempt.device,
    dtype: { encoder_model: attempt.dtype.encoder, decoder_model_merged: attempt.dtype.decoder },
    ...(stored
      ? {}
      : {
          progress_callback: (info: ProgressInfo) => {
            const progress = progressFrom(info);
            if (progress !== null) post({ type: "progress", requestId: request.requestId, progress });
          },
        }),
  });
  loaded = { attempt, pipe };
  if (attempt.device === "webgpu") gpuDevice.watch(env.backends.onnx.webgpu);
  post({ type: "loaded", requestId: request.requestId, attempt, elapsedMs: Math.round(performance.now() - started) });
}

async function transcribe(request: Extract<WorkerRequest, { type: "transcribe" }>): Promise<void> {
  if (loaded === null) throw new WorkerError("not-loaded", "no model is loaded; load one before transcribing");
  const { pipe } = loaded;
  injectFault("transcribe", loaded.attempt.model);
  const job: RunningJob = { requestId: request.requestId, cancelled: cancelledEarly.delete(request.requestId) };
  running = job;
  const started = performance.now();
  const audio = request.audio;
  try {
    if (job.cancelled) return post({ type: "cancelled", requestId: request.requestId });
    const languageChoice = request.options.language === null ? chooseLanguage(await detectLanguageGuesses(pipe, audio), request.options.preferredLanguages ?? []) : null;
    const language = request.options.language ?? languageChoice?.language ?? "en";
    if (job.cancelled) return post({ type: "cancelled", requestId: request.requestId });
    const output = await transcribeWindow(pipe, audio, {
      language,
      task: request.options.task,
      stopped: () => job.cancelled,
      onText: (partialText) => post({ type: "progress", requestId: request.requestId, progress: { stage: "text", partialText } }),
    });
    if (job.cancelled) return post({ type: "cancelled", requestId: request.requestId });
    post({
      type: "result",
      requestId: request.requestId,
      result: { text: output.text, segments: output.segments, language, ...(languageChoice === null ? {} : { languageChoice }), elapsedMs: Math.round(performance.now() - started), resumeAt: output.resumeAt },
    });
  } finally {
    running = null;
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case "load":
      return load(request);
    case "transcribe":
      return transcribe(request);
    case "cancel":
      return;
  }
}

self.addEventListener("message", (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (!isWorkerRequest(request)) return;
  if (request.type === "cancel") {
    if (running !== null && running.requestId === request.requestId) {
      running.cancelled = true;
    } else {
      cancelledEarly.add(request.requestId);
    }
    return;
  }
  queue = queue.then(() =>
    handle(request).catch((error: unknown) => {
      const attempt = request.type === "load" ? request.attempt : loaded?.attempt;
      post({ type: "error", requestId: request.requestId, error: serializeError(attempt === undefined ? error : gpuDevice.explain(error, attempt)) });
    }),
  );
});

/**
 * The page's side of the transcription worker: promises instead of messages. Use one instance per
 * worker; to change device or free the WASM heap, `terminate()` it and create another (the WASM
 * heap of a worker is only released when the worker ends).
 */
import { AppError } from "../errors";
import type { Attempt } from "../model/catalog";
import { isWorkerResponse, newRequestId, type ProgressEvent, type RuntimeOptions, type SerializedError, type TestFault, type TranscribeOptions, type WindowResult, type WorkerRequest, type WorkerResponse } from "./worker-protocol";
import type { ModelSource } from "../model/catalog";

/** A request the worker answered with an error, or a worker that died; `code` says which. */
export class TranscriberError extends AppError {
  override readonly name = "TranscriberError";
  /** The error's name inside the worker (e.g. "RangeError"), useful for classifying memory failures. */
  readonly remoteName: string;

  constructor(error: SerializedError, context: Record<string, unknown> = {}) {
    super(error.code, error.message, { context });
    this.remoteName = error.name;
  }
}

/** Outcome of transcribing one window: its text, or cancelled. */
export type TranscribeOutcome = { readonly kind: "done"; readonly result: WindowResult } | { readonly kind: "cancelled" };

interface Pending {
  readonly onProgress: (progress: ProgressEvent) => void;
  readonly settle: (response: WorkerResponse) => void;
  readonly fail: (error: TranscriberError) => void;
}

/** Creates the module worker; the literal `new URL(…, import.meta.url)` lets the bundler find it. */
export function createTranscriberWorker(): Worker {
  return new Worker(new URL("./transcriber.worker.ts", import.meta.url), { type: "module", name: "transcriber" });
}

/** Promise-based access to one transcription worker. */
export class TranscriberClient {
  private readonly worker: Worker;
  private readonly pending = new Map<string, Pending>();
  private dead: TranscriberError | null = null;

  constructor(worker: Worker = createTranscriberWorker()) {
    this.worker = worker;
    worker.addEventListener("message", (event: MessageEvent<unknown>) => this.onMessage(event.data));
    worker.addEventListener("error", (event: ErrorEvent) => {
      event.preventDefault();
      this.failAll({ name: "WorkerCrashed", message: event.message || "the transcription worker stopped unexpectedly", code: "worker-crashed" });
    });
    worker.addEventListener("messageerror", () => {
      this.failAll({ name: "WorkerCrashed", message: "a message to the transcription worker could not be read", code: "worker-crashed" });
    });
  }

  /** Loads (or keeps) the model for `attempt`; resolves with the load time in ms. */
  async load(
    attempt: Attempt,
    source: ModelSource,
    runtime: RuntimeOptions,
    onProgress: (progress: ProgressEvent) => void,
    fault?: TestFault,
  ): Promise<number> {
    const requestId = newRequestId();
    const message: WorkerRequest = fault === undefined ? { type: "load", requestId, attempt, source, runtime } : { type: "load", requestId, attempt, source, runtime, fault };
    const response = await this.request(message, onProgress);
    if (response.type !== "loaded") throw new TranscriberError({ name: "ProtocolError", message: `unexpected ${response.type} for load`, code: "protocol" });
    return response.elapsedMs;
  }

  /**
   * Transcribes one window (at most 30 s) of 16 kHz mono audio. The buffer is transferred to the
   * worker and becomes unusable here. Returns the request id (for {@link cancel}) and the outcome.
   */
  transcribe(audio: Float32Array, options: TranscribeOptions, onProgress: (progress: ProgressEvent) => void): { requestId: string; outcome: Promise<TranscribeOutcome> } {
    const requestId = newRequestId();
    const outcome = this.request({ type: "transcribe", requestId, audio, options }, onProgress, [audio.buffer]).then((response): TranscribeOutcome => {
      switch (response.type) {
        case "result":
          return { kind: "done", result: response.result };
        case "cancelled":
          return { kind: "cancelled" };
        case "progress":
        case "loaded":
        case "error":
          throw new TranscriberError({ name: "ProtocolError", message: `unexpected ${response.type} for transcribe`, code: "protocol" });
      }
    });
    return { requestId, outcome };
  }

  /** Asks the worker to stop a transcription; its outcome then resolves as "cancelled". */
  cancel(requestId: string): void {
    if (this.dead === null) this.worker.postMessage({ type: "cancel", requestId } satisfies WorkerRequest);
  }

  /** Ends the worker and everything in its memory; pending requests fail with code "terminated". */
  terminate(): void {
    this.worker.terminate();
    this.failAll({ name: "Terminated", message: "the transcription worker was stopped", code: "terminated" });
  }

  private request(message: WorkerRequest, onProgress: (progress: ProgressEvent) => void, transfer: Transferable[] = []): Promise<WorkerResponse> {
    if (this.dead !== null) return Promise.reject(this.dead);
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.pending.set(message.requestId, { onProgress, settle: resolve, fail: reject });
      this.worker.postMessage(message, transfer);
    });
  }

  private onMessage(data: unknown): void {
    if (!isWorkerResponse(data)) return;
    const pending = this.pending.get(data.requestId);
    if (pending === undefined) return;
    switch (data.type) {
      case "progress":
        pending.onProgress(data.progress);
        return;
      case "error":
        this.pending.delete(data.requestId);
        pending.fail(new TranscriberError(data.error, { requestId: data.requestId }));
        return;
      case "loaded":
      case "result":
      case "cancelled":
        this.pending.delete(data.requestId);
        pending.settle(data);
        return;
    }
  }

  private failAll(error: SerializedError): void {
    const failure = new TranscriberError(error);
    this.dead = failure;
    for (const pending of this.pending.values()) pending.fail(failure);
    this.pending.clear();
  }
}

import { describe, expect, test } from "vitest";
import { AppError } from "@/lib/errors";
import { DTYPES, type Attempt } from "@/lib/model/catalog";
import { ModelRunError, RUN_ERROR_KINDS, RUN_ERROR_LABELS, classifyRunError, nextAttemptAfterFailure, type RunErrorKind } from "@/lib/model/run-error";
import { planAttempts } from "@/lib/model/plan";

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const cases: readonly (readonly [string, RunErrorKind, unknown])[] = [
  // memory
  ["V8 RangeError", "memory", new RangeError("Array buffer allocation failed")],
  ["V8 RangeError as a string", "memory", "RangeError: Array buffer allocation failed"],
  ["V8 RangeError cloned from a worker", "memory", { name: "RangeError", message: "Array buffer allocation failed" }],
  ["lower-case out of memory", "memory", new Error("out of memory")],
  ["Safari/Firefox Out of memory", "memory", "Out of memory"],
  ["WASM instance", "memory", new RangeError("Out of memory: Cannot allocate Wasm memory for new instance")],
  ["WebAssembly.Memory()", "memory", new RangeError("WebAssembly.Memory(): could not allocate memory")],
  ["WebAssembly.Memory.grow()", "memory", new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded")],
  ["ORT session buffer", "memory", new Error("Can't create a session. failed to allocate a buffer of size 41000000.")],
  ["ORT arena", "memory", new Error("failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: Failed to allocate memory for requested buffer of size 1048576")],
  ["ORT bad_alloc", "memory", new Error("Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc")],
  ["bare std::bad_alloc", "memory", "std::bad_alloc"],
  ["Emscripten OOM abort", "memory", named("RuntimeError", "Aborted(OOM)")],
  ["Emscripten cannot enlarge", "memory", "Cannot enlarge memory arrays to size 4294967296 bytes (OOM)."],
  ["bare Emscripten abort", "memory", named("RuntimeError", "Aborted(). Build with -sASSERTIONS for more info.")],
  ["typed array over an exhausted heap", "memory", new RangeError("offset is out of bounds")],
  ["old ORT run failure", "memory", new Error("failed to call OrtRun(). error code = 6.")],
  ["old ORT exception pointer", "memory", 30990152],
  ["GPU device lost", "memory", new Error("GPUDevice was lost: Device lost during onSubmittedWorkDone")],
  ["device is lost (mapAsync)", "memory", named("OperationError", "Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost")],
  ["GPUDeviceLostInfo, unknown", "memory", { reason: "unknown", message: "A valid external Instance reference no longer exists." }],
  ["GPUOutOfMemoryError", "memory", { name: "GPUOutOfMemoryError", message: "" }],
  ["WebGPU invalid buffer", "memory", new Error('[Invalid Buffer "weights"] is invalid.')],
  ["buffer is invalid", "memory", new Error("Destroyed buffer used in a submit; [Buffer] is invalid due to a previous error.")],
  ["wrapped in our own error", "memory", new AppError("model-load", "Could not load Whisper base", { cause: new RangeError("Array buffer allocation failed") })],
  ["cloned with cause", "memory", { name: "Error", message: "load failed", cause: { name: "RangeError", message: "Array buffer allocation failed" } }],
  ["ORT with a WASM memory failure inside", "memory", new Error("no available backend found. ERR: [wasm] RangeError: Array buffer allocation failed")],
  ["our ModelRunError", "memory", new ModelRunError("memory", "Whisper base ran out of memory")],
  ["our ModelRunError, cloned", "memory", { name: "ModelRunError", message: "x", code: "model-memory" }],
  // webgpu-unavailable
  [
    "no adapter",
    "webgpu-unavailable",
    new Error('no available backend found. ERR: [webgpu] Error: Failed to get GPU adapter. You may need to enable flag "--enable-unsafe-webgpu" if you are using Chrome.'),
  ],
  ["no navigator.gpu", "webgpu-unavailable", new Error("WebGPU is not supported in current environment")],
  ["no fp16", "webgpu-unavailable", new Error("The device (webgpu) does not support fp16.")],
  ["validation error", "webgpu-unavailable", { name: "GPUValidationError", message: "Binding size is larger than the maximum" }],
  ["kernel failure", "webgpu-unavailable", new Error('[WebGPU] Kernel "[Conv] /conv1/Conv" failed. Error: unsupported')],
  ["our ModelRunError, cloned", "webgpu-unavailable", { name: "ModelRunError", message: "x", code: "model-webgpu-unavailable" }],
  // input
  ["decodeAudioData (Chromium)", "input", new DOMException("Unable to decode audio data", "EncodingError")],
  ["decodeAudioData (Safari), cloned", "input", { name: "EncodingError", message: "Decoding failed" }],
  ["decodeAudioData (Firefox)", "input", "The buffer passed to decodeAudioData contains an unknown content type."],
  ["our audio error code", "input", new AppError("audio-decode", "This file has no audio we can read")],
  // cancelled
  ["AbortError", "cancelled", new DOMException("The operation was aborted.", "AbortError")],
  ["AbortError cloned", "cancelled", { name: "AbortError", message: "The user aborted a request." }],
  ["our cancel code", "cancelled", new AppError("cancelled", "Stopped")],
  ["device destroyed by us", "cancelled", { reason: "destroyed", message: "Device was destroyed." }],
  // download
  ["hub 404", "download", new Error('Could not locate file: "https://huggingface.co/onnx-community/whisper-base/resolve/main/onnx/encoder_model.onnx".')],
  ["local file", "download", new Error('`local_files_only=true` or `env.allowRemoteModels=false` and file was not found locally at "/models/x".')],
  ["hub 403 (blocked)", "download", new Error('Forbidden access to file: "https://huggingface.co/onnx-community/whisper-base/resolve/main/config.json".')],
  ["hub 401", "download", new Error('Unauthorized access to file: "https://huggingface.co/x/config.json".')],
  ["hub 503", "download", new Error('Service unavailable error occurred while trying to load file: "https://huggingface.co/x/config.json".')],
  ["hub 429", "download", new Error('Error (429) occurred while trying to load file: "https://huggingface.co/x/config.json".')],
  ["ORT external data", "download", new Error("failed to load external data file: encoder_model.onnx_data")],
  ["fetch (Chromium)", "download", new TypeError("Failed to fetch")],
  ["fetch (Firefox)", "download", new TypeError("NetworkError when attempting to fetch resource.")],
  ["fetch (Safari)", "download", new TypeError("Load failed")],
  ["truncated model", "download", new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.")],
  // other
  ["WASM trap, not exhaustion", "other", named("RuntimeError", "memory access out of bounds")],
  ["assertion abort", "other", named("RuntimeError", "Aborted(Assertion failed: index < size)")],
  ["a bug", "other", new TypeError("Cannot read properties of undefined (reading 'dims')")],
  ["a small number", "other", 42],
  ["no backend, wasm, unexplained", "other", new Error("no available backend found. ERR: [wasm] Error: unknown")],
  ["undefined", "other", undefined],
  ["null", "other", null],
  ["empty object", "other", {}],
  ["empty string", "other", ""],
];

describe("classifyRunError", () => {
  test.each(cases)("%s → %s", (_name, kind, error) => {
    expect(classifyRunError(error)).toBe(kind);
  });

  test("the most decisive kind in a cause chain wins", () => {
    const error = new AppError("audio-decode", "decode failed", { cause: new RangeError("Array buffer allocation failed") });
    expect(classifyRunError(error)).toBe("memory");
    expect(classifyRunError(new Error("WebGPU failed", { cause: new DOMException("stop", "AbortError") }))).toBe("cancelled");
  });

  test("AggregateError and ErrorEvent-like shapes are read", () => {
    expect(classifyRunError(new AggregateError([new Error("x"), new RangeError("Array buffer allocation failed")]))).toBe("memory");
    expect(classifyRunError({ message: "Uncaught Error", error: { name: "RangeError", message: "Array buffer allocation failed" } })).toBe("memory");
  });

  test("a cyclic cause chain terminates", () => {
    const error: Error & { cause?: unknown } = new Error("loop");
    error.cause = error;
    expect(classifyRunError(error)).toBe("other");
  });

  test("every kind has a label", () => {
    for (const kind of RUN_ERROR_KINDS) expect(RUN_ERROR_LABELS[kind]).toBeTruthy();
  });

  test("ModelRunError carries code, kind, attempt and cause", () => {
    const attempt: Attempt = { model: "whisper-base", device: "webgpu", dtype: DTYPES.webgpu };
    const cause = new RangeError("Array buffer allocation failed");
    const error = new ModelRunError("memory", "Whisper base ran out of memory", { cause, attempt });
    expect(error).toBeInstanceOf(AppError);
    expect(error.name).toBe("ModelRunError");
    expect(error.code).toBe("model-memory");
    expect(error.kind).toBe("memory");
    expect(error.attempt).toEqual(attempt);
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ kind: "memory", attempt: "Whisper base · WebGPU · fp32/q4" });
  });
});

const baseGpu: Attempt = { model: "whisper-base", device: "webgpu", dtype: DTYPES.webgpu };
const baseWasm: Attempt = { model: "whisper-base", device: "wasm", dtype: DTYPES.wasm };
const tinyGpu: Attempt = { model: "whisper-tiny", device: "webgpu", dtype: DTYPES.webgpu };
const tinyWasm: Attempt = { model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm };
const FULL = [baseGpu, baseWasm, tinyGpu, tinyWasm];

describe("nextAttemptAfterFailure", () => {
  const table: readonly (readonly [readonly Attempt[], number, RunErrorKind, number | null])[] = [
    [FULL, 0, "memory", 1],
    [FULL, 1, "memory", 2],
    [FULL, 2, "memory", 3],
    [FULL, 3, "memory", null],
    [FULL, 0, "webgpu-unavailable", 1],
    [FULL, 2, "webgpu-unavailable", 3],
    [[baseGpu, tinyGpu, tinyWasm], 0, "webgpu-unavailable", 2],
    [FULL, 0, "download", 1],
    [FULL, 1, "download", 2],
    [FULL, 0, "input", null],
    [FULL, 0, "cancelled", null],
    [FULL, 0, "other", null],
    // A demoted base on WebGPU is never climbed back to after tiny fails for memory.
    [[baseWasm, tinyGpu, baseGpu, tinyWasm], 1, "memory", 3],
    // base on WASM failing for memory skips straight to a smaller model.
    [[baseWasm, baseGpu, tinyWasm], 0, "memory", 2],
    [FULL, 4, "memory", null],
    [FULL, -1, "memory", null],
    [FULL, 0.5, "memory", null],
    [[], 0, "memory", null],
  ];

  test.each(table)("plan %#: failure at %i (%s) → %s", (plan, index, kind, expected) => {
    expect(nextAttemptAfterFailure(plan, index, kind)).toBe(expected);
  });

  test("accepts a ModelPlan", () => {
    const plan = planAttempts({
      device: {
        deviceMemory: 8,
        webgpu: { vendor: "", architecture: "", isFallbackAdapter: false, shaderF16: false, maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 27 },
        hardwareConcurrency: 8,
        saveData: false,
        effectiveType: undefined,
        mobile: false,
      },
      quality: "high",
      language: "en",
    });
    expect(nextAttemptAfterFailure(plan, 0, "memory")).toBe(1);
  });

  test("never loops: following failures always moves forward and ends", () => {
    for (const kind of RUN_ERROR_KINDS) {
      let index: number | null = 0;
      const visited: number[] = [];
      while (index !== null) {
        visited.push(index);
        index = nextAttemptAfterFailure(FULL, index, kind);
      }
      expect([...visited].sort((a, b) => a - b)).toEqual(visited);
      expect(new Set(visited).size).toBe(visited.length);
    }
  });
});

import { describe, expect, test } from "vitest";
import { DTYPES, type Attempt } from "@/lib/model/catalog";
import { AppError } from "@/lib/errors";
import { errorDetails, failureMessage, inputFailureMessage, ownMessageOr } from "@/lib/transcription/failure-message";
import { AudioDecodeError } from "@/lib/audio/decode-error";

const base: Attempt = { model: "whisper-base", device: "webgpu", dtype: DTYPES.webgpu };

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Error texts as transformers.js 4, ONNX Runtime Web and the browsers produce them (from their dist files and bug reports). */
const REAL_ERRORS: readonly (readonly [string, unknown, RegExp])[] = [
  ["transformers.js 404", new Error('Could not locate file: "https://huggingface.co/onnx-community/whisper-base/resolve/main/onnx/encoder_model_q4.onnx".'), /could not be downloaded/],
  [
    "transformers.js local_files_only",
    new Error('`local_files_only=true` or `env.allowRemoteModels=false` and file was not found locally at "/models/whisper-tiny/onnx/encoder_model_quantized.onnx".'),
    /could not be downloaded/,
  ],
  ["transformers.js 403", new Error('Forbidden access to file: "https://huggingface.co/onnx-community/whisper-base/resolve/main/config.json".'), /could not be downloaded/],
  ["transformers.js 503", new Error('Service unavailable error occurred while trying to load file: "https://huggingface.co/x/config.json".'), /could not be downloaded/],
  ["browser offline (Chromium)", new TypeError("Failed to fetch"), /Check the connection/],
  ["browser offline (Firefox)", new TypeError("NetworkError when attempting to fetch resource."), /Check the connection/],
  ["ORT truncated model", new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed."), /could not be downloaded/],
  ["ORT session buffer", new Error("Can't create a session. failed to allocate a buffer of size 41000000."), /ran out of memory/],
  ["ORT arena", new Error("failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: Failed to allocate memory for requested buffer of size 1048576"), /ran out of memory/],
  ["Emscripten abort", new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info."), /ran out of memory/],
  ["Emscripten OOM", named("RuntimeError", "Aborted(OOM)"), /ran out of memory/],
  ["V8 out of memory", new RangeError("Array buffer allocation failed"), /ran out of memory/],
  ["WASM memory", new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded"), /ran out of memory/],
  ["Firefox out of memory", "out of memory", /ran out of memory/],
  ["WebGPU device lost", new Error("GPUDevice was lost: Device lost during onSubmittedWorkDone"), /ran out of memory/],
  [
    "ORT no adapter",
    new Error('no available backend found. ERR: [webgpu] Error: Failed to get GPU adapter. You may need to enable flag "--enable-unsafe-webgpu" if you are using Chrome.'),
    /could not use the GPU.*CPU \(WASM\)/,
  ],
  ["ORT WebGPU not supported", new Error("WebGPU is not supported in current environment"), /could not use the GPU/],
  ["transformers.js no fp16", new Error("The device (webgpu) does not support fp16."), /could not use the GPU/],
  ["ORT unknown backend failure", new Error("no available backend found. ERR: [wasm] Error: unknown"), /does not recognise.*Details/],
  ["WASM trap", named("RuntimeError", "memory access out of bounds"), /does not recognise/],
  ["a bug", new TypeError("Cannot read properties of undefined (reading 'dims')"), /does not recognise/],
  ["cloned from the worker", { name: "RangeError", message: "Array buffer allocation failed" }, /ran out of memory/],
  ["Chromium decode", new DOMException("Unable to decode audio data", "EncodingError"), /could not read the audio/],
  ["abort", new DOMException("The operation was aborted.", "AbortError"), /stopped/],
];

/** Fragments of library text that must never reach the status sentence. */
const LIBRARY_TEXT = /locate file|local_files_only|allowRemoteModels|ERROR_CODE|OrtRun|Aborted\(|allocation failed|backend found|adapter\.|protobuf|Failed to fetch|NetworkError|RuntimeError|TypeError|RangeError|dims|huggingface\.co|Unable to decode/i;

describe("failureMessage", () => {
  test.each(REAL_ERRORS)("%s: a sentence a person can act on, no library text", (_name, error, expected) => {
    const message = failureMessage(base, error, true);
    expect(message).toMatch(expected);
    expect(message).not.toMatch(LIBRARY_TEXT);
    expect(message).toMatch(/[.;]\s|\.$/);
  });

  test("the original text goes to the details instead", () => {
    const error = new Error('Could not locate file: "https://huggingface.co/x/onnx/encoder_model.onnx".');
    expect(errorDetails(error)).toBe('Error: Could not locate file: "https://huggingface.co/x/onnx/encoder_model.onnx".');
  });

  test("memory with attempts left and without", () => {
    const oom = new RangeError("Array buffer allocation failed");
    expect(failureMessage(base, oom, true)).toBe(
      "Whisper base · WebGPU · fp32/q4 ran out of memory, and there is no smaller model to try. Close other tabs or apps and try again; your file is still selected.",
    );
    expect(failureMessage(base, oom, false)).toMatch(/^Whisper base · WebGPU · fp32\/q4 ran out of memory\. Close other tabs/);
  });
});

describe("inputFailureMessage", () => {
  test("our own decode errors already speak to the user", () => {
    expect(inputFailureMessage(new AudioDecodeError("empty", "note.ogg is empty (0 bytes). Choose a recording with sound in it."))).toBe(
      "note.ogg is empty (0 bytes). Choose a recording with sound in it.",
    );
  });

  test("anything else gets the generic sentence", () => {
    const message = inputFailureMessage(new DOMException("Unable to decode audio data", "EncodingError"));
    expect(message).toMatch(/could not read the audio/);
    expect(message).not.toMatch(LIBRARY_TEXT);
  });
});

describe("errorDetails", () => {
  test("lists the cause chain, one line each", () => {
    const error = new AppError("model-load", "Could not load Whisper base", { cause: new RangeError("Array buffer allocation failed") });
    expect(errorDetails(error)).toBe("AppError: Could not load Whisper base\ncaused by RangeError: Array buffer allocation failed");
  });

  test("reads strings, numbers and cloned objects, and stops on a loop", () => {
    expect(errorDetails("out of memory")).toBe("out of memory");
    expect(errorDetails(30990152)).toBe("30990152");
    expect(errorDetails({ name: "ModelRunError", message: "x", code: "model-memory" })).toBe("ModelRunError: x");
    const loop: Error & { cause?: unknown } = new Error("loop");
    loop.cause = loop;
    expect(errorDetails(loop)).toBe("Error: loop");
    expect(errorDetails({ reason: "unknown" })).toBe('{"reason":"unknown"}');
  });
});

describe("ownMessageOr", () => {
  test("our own errors keep their message; library errors get the fallback", () => {
    expect(ownMessageOr(new AppError("store-failed", "could not store config.json on this device (is the storage full?)"), "x")).toBe(
      "could not store config.json on this device (is the storage full?)",
    );
    expect(ownMessageOr(new DOMException("The quota has been exceeded.", "QuotaExceededError"), "storage is full")).toBe("storage is full");
    expect(ownMessageOr("Permission denied", "allow the microphone")).toBe("allow the microphone");
  });
});

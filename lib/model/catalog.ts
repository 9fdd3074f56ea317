/**
 * The Whisper models the app can run, as data. The planner, the worker and the settings panel
 * all read this table; nothing builds model names from strings elsewhere.
 */

/** Our short name for a model; also the folder name under a self-hosted model directory. */
export type ModelId = "whisper-tiny" | "whisper-base";

/** Where ONNX Runtime runs the model. */
export type Device = "webgpu" | "wasm";

/** Weight formats transformers.js v4 knows by file suffix (`_quantized`, `_fp16`, `_q4`, `_q4f16`). */
export type Dtype = "fp32" | "fp16" | "q8" | "q4" | "q4f16";

/**
 * Encoder and decoder formats, chosen together: the encoder's output type must match the decoder's
 * input type (fp16 encoder + q4 decoder fails), and WebGPU gives garbage with q8 decoders.
 */
export interface DtypePair {
  readonly encoder: Dtype;
  readonly decoder: Dtype;
}

/** One way to run transcription: which model, where, in which weight format. */
export interface Attempt {
  readonly model: ModelId;
  readonly device: Device;
  readonly dtype: DtypePair;
}

/** Static facts about one model. */
export interface ModelInfo {
  readonly id: ModelId;
  readonly label: string;
  /** Repository on the Hugging Face Hub holding the ONNX build. */
  readonly hubRepo: string;
  /** Parameters, for the "why" sentence and rough memory estimates. */
  readonly parameters: number;
  /** Approximate download size in bytes of encoder + merged decoder per weight format. */
  readonly downloadBytes: Readonly<Record<Dtype, number>>;
}

/** Every model, smallest first. */
export const MODELS: Readonly<Record<ModelId, ModelInfo>> = {
  "whisper-tiny": {
    id: "whisper-tiny",
    label: "Whisper tiny",
    hubRepo: "onnx-community/whisper-tiny",
    parameters: 39_000_000,
    downloadBytes: { fp32: 151_000_000, fp16: 76_000_000, q8: 41_000_000, q4: 60_000_000, q4f16: 35_000_000 },
  },
  "whisper-base": {
    id: "whisper-base",
    label: "Whisper base",
    hubRepo: "onnx-community/whisper-base",
    parameters: 74_000_000,
    downloadBytes: { fp32: 291_000_000, fp16: 146_000_000, q8: 78_000_000, q4: 110_000_000, q4f16: 66_000_000 },
  },
};

/** Model ids from smallest to largest; stepping down walks this list backwards. */
export const MODEL_ORDER: readonly ModelId[] = ["whisper-tiny", "whisper-base"];

/** Weight formats that work per device with transformers.js 4.3 (see DESIGN.md). */
export const DTYPES: Readonly<Record<"wasm" | "webgpu" | "webgpu-f16", DtypePair>> = {
  wasm: { encoder: "q8", decoder: "q8" },
  webgpu: { encoder: "fp32", decoder: "q4" },
  "webgpu-f16": { encoder: "fp16", decoder: "q4f16" },
};

/** True when `value` names a model in the catalogue; use it to validate stored or user input. */
export function isModelId(value: unknown): value is ModelId {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(MODELS, value);
}

/** True when `value` is a device we can run on. */
export function isDevice(value: unknown): value is Device {
  return value === "webgpu" || value === "wasm";
}

/** A short label such as "Whisper base · WebGPU · fp32/q4" for the UI. */
export function describeAttempt(attempt: Attempt): string {
  const device = attempt.device === "webgpu" ? "WebGPU" : "WASM";
  const dtype = attempt.dtype.encoder === attempt.dtype.decoder ? attempt.dtype.encoder : `${attempt.dtype.encoder}/${attempt.dtype.decoder}`;
  return `${MODELS[attempt.model].label} · ${device} · ${dtype}`;
}

/** File-name suffix transformers.js uses for each weight format (`onnx/encoder_model{suffix}.onnx`). */
export const DTYPE_SUFFIX: Readonly<Record<Dtype, string>> = {
  fp32: "",
  fp16: "_fp16",
  q8: "_quantized",
  q4: "_q4",
  q4f16: "_q4f16",
};

/** Configuration and tokenizer files every model folder holds, beside its ONNX weights. */
export const MODEL_CONFIG_FILES: readonly string[] = [
  "config.json",
  "generation_config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
];

/** Paths, relative to the model folder, of the files one attempt loads. */
export function attemptFiles(dtype: DtypePair): string[] {
  return [...MODEL_CONFIG_FILES, `onnx/encoder_model${DTYPE_SUFFIX[dtype.encoder]}.onnx`, `onnx/decoder_model_merged${DTYPE_SUFFIX[dtype.decoder]}.onnx`];
}

/** Where the worker fetches model files from. */
export type ModelSource =
  /**
   * The Hugging Face Hub, or a mirror of it at `endpoint` (`HF_ENDPOINT`, no trailing slash; absent:
   * huggingface.co) that answers the Hub's URLs, `<endpoint>/<repo>/resolve/main/<file>`.
   */
  | { readonly kind: "hub"; readonly endpoint?: string }
  /** A folder in the Hugging Face layout served by the app (`<baseUrl><model>/config.json`). */
  | { readonly kind: "self-hosted"; readonly baseUrl: string };

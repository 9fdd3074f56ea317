/**
 * The planner's two rule tables and what they read: {@link MODEL_RULES} picks the largest model worth
 * trying, {@link DEVICE_RULES} picks WebGPU (and its dtype pair) or WASM for each model; both are read
 * top to bottom, first match wins (see plan.ts). Also the languages that want base, and the weight
 * sizes that decide whether a model fits a WebGPU adapter's buffers.
 */
import { DTYPES, MODELS, type Dtype, type DtypePair, type ModelId } from "./catalog";
import { formatMemoryGb } from "./device-profile";
import type { PlanFacts } from "./plan";
import type { WebGpuAdapterInfo } from "./webgpu-probe";

/** A language Whisper tiny transcribes poorly enough that base is worth its memory. */
export interface HardLanguage {
  readonly code: string;
  readonly name: string;
}

/**
 * Languages for which the planner prefers Whisper base over tiny when memory allows.
 *
 * Reasoning from the Whisper paper (Radford et al. 2022, "Robust Speech Recognition via Large-Scale
 * Weak Supervision", arXiv:2212.04356):
 * - §3.4 / Figure 3: FLEURS word error rate falls roughly log-linearly with the hours of training
 *   audio per language, and the paper names as the outliers that do worse than their data predicts
 *   "languages that have unique scripts and are more distantly related to the Indo-European
 *   languages making up the majority of the training dataset", e.g. Hebrew, Telugu, Chinese and
 *   Korean.
 * - Appendix E (training hours per language): Khmer, Lao, Burmese, Tibetan, Sinhala and Amharic
 *   have only a handful of hours or less, so they sit at the bad end of that trend.
 * - Appendix D.2.4 (FLEURS WER per language for every model size): error rates drop with every
 *   step in size, and the drop from tiny to base is largest where tiny is worst — the languages
 *   above, plus Japanese and Thai (no spaces between words; long character sequences from a
 *   384-wide decoder).
 * Error rates in these languages stay high even at base; base is simply the better of the two we
 * can afford in a browser. The user can still force tiny.
 */
export const HARD_LANGUAGES: readonly HardLanguage[] = [
  { code: "zh", name: "Chinese" },
  { code: "ja", name: "Japanese" },
  { code: "ko", name: "Korean" },
  { code: "th", name: "Thai" },
  { code: "km", name: "Khmer" },
  { code: "lo", name: "Lao" },
  { code: "my", name: "Burmese" },
  { code: "bo", name: "Tibetan" },
  { code: "he", name: "Hebrew" },
  { code: "te", name: "Telugu" },
  { code: "si", name: "Sinhala" },
  { code: "am", name: "Amharic" },
];

/** Ids of {@link MODEL_RULES}, for tests and logs. */
export type ModelRuleId =
  | "scarce-memory"
  | "unknown-memory-phone"
  | "high-quality"
  | "hard-language"
  | "data-saver"
  | "few-cores"
  | "plenty-memory"
  | "low-quality"
  | "medium-quality";

/** One row of the model table. */
export interface ModelRule {
  readonly id: ModelRuleId;
  readonly when: (facts: PlanFacts) => boolean;
  /** The largest model the plan starts from. */
  readonly model: ModelId;
  /** The reason, as a clause for the plan's sentence. */
  readonly why: (facts: PlanFacts) => string;
}

function memoryText(facts: PlanFacts): string {
  return facts.memoryGb === undefined ? "unreported memory" : formatMemoryGb(facts.memoryGb);
}

function hasUsableGpu(facts: PlanFacts): boolean {
  return facts.webgpu !== null && !facts.webgpu.isFallbackAdapter;
}

/**
 * Which model to start from; first match wins. The baseline is the crashed server's policy
 * (low → tiny, medium → tiny, high → base; hard languages → base when memory allows; ≤ 2 GB or
 * unknown memory on a phone → tiny only; ≥ 8 GB → base), with the memory limits first because
 * they are the reason this project exists.
 *
 * | # | id | when | model |
 * |---|----|------|-------|
 * | 1 | scarce-memory | deviceMemory ≤ 2 GB (0.25, 0.5, 1, 2) | tiny |
 * | 2 | unknown-memory-phone | deviceMemory unknown on a phone (Safari iOS, Firefox Android) | tiny |
 * | 3 | high-quality | quality high | base |
 * | 4 | hard-language | language in HARD_LANGUAGES (any quality: tiny's output there is mostly wrong) | base |
 * | 5 | data-saver | Save-Data or 2G connection | tiny |
 * | 6 | few-cores | ≤ 2 cores and no usable WebGPU (base on WASM would be slow) | tiny |
 * | 7 | plenty-memory | deviceMemory ≥ 8 GB and quality medium | base |
 * | 8 | low-quality | quality low | tiny |
 * | 9 | medium-quality | otherwise (quality medium) | tiny |
 *
 * Unknown memory on a desktop (Firefox, Safari) counts as enough for base when rules 3–4 ask for it,
 * but not as "plenty" (rule 7).
 */
export const MODEL_RULES: readonly ModelRule[] = [
  {
    id: "scarce-memory",
    when: (f) => f.memoryGb !== undefined && f.memoryGb <= 2,
    model: "whisper-tiny",
    why: (f) => `${memoryText(f)} of memory is too little for Whisper base`,
  },
  {
    id: "unknown-memory-phone",
    when: (f) => f.memoryGb === undefined && f.mobile,
    model: "whisper-tiny",
    why: () => "this phone does not report its memory, so the smallest model is the safe choice",
  },
  { id: "high-quality", when: (f) => f.quality === "high", model: "whisper-base", why: () => "you asked for high quality" },
  {
    id: "hard-language",
    when: (f) => f.hardLanguage !== undefined,
    model: "whisper-base",
    why: (f) => `${f.hardLanguage?.name ?? "this language"} needs the larger model (Whisper tiny transcribes it poorly)`,
  },
  { id: "data-saver", when: (f) => f.dataSaver, model: "whisper-tiny", why: () => "Save-Data or a slow connection asks for the smallest download" },
  {
    id: "few-cores",
    when: (f) => f.cores !== undefined && f.cores <= 2 && !hasUsableGpu(f),
    model: "whisper-tiny",
    why: (f) => `with ${f.cores ?? 0} CPU cores and no WebGPU, Whisper base would be slow`,
  },
  {
    id: "plenty-memory",
    when: (f) => f.memoryGb !== undefined && f.memoryGb >= 8 && f.quality === "medium",
    model: "whisper-base",
    why: (f) => `${memoryText(f)} of memory is plenty for Whisper base`,
  },
  { id: "low-quality", when: (f) => f.quality === "low", model: "whisper-tiny", why: () => "you asked for low quality (fastest)" },
  { id: "medium-quality", when: () => true, model: "whisper-tiny", why: () => "medium quality uses Whisper tiny on this device" },
];

/** Shapes that size the biggest weight tensor (from each model's config.json). */
export const MODEL_DIMENSIONS: Readonly<Record<ModelId, { readonly dModel: number; readonly vocabSize: number; readonly audioPositions: number }>> = {
  "whisper-tiny": { dModel: 384, vocabSize: 51_865, audioPositions: 1500 },
  "whisper-base": { dModel: 512, vocabSize: 51_865, audioPositions: 1500 },
};

/**
 * Bytes per element of the largest tensor for a weight format. 4-bit block quantization
 * (MatMulNBits) only packs MatMul weights; the token embedding (a Gather) stays in the graph's
 * float type: fp32 for `q4`, fp16 for `q4f16`.
 */
const LARGEST_TENSOR_ELEMENT_BYTES: Readonly<Record<Dtype, number>> = { fp32: 4, fp16: 2, q8: 1, q4: 4, q4f16: 2 };

/**
 * Estimated size in bytes of the biggest single weight of `model` in `dtype`: the decoder's token
 * embedding (vocab × d_model; 51,865 × 512 × 4 ≈ 101 MiB for base in fp32, 76 MiB for tiny),
 * which also serves as the tied output projection. The encoder's largest weights (positional
 * embedding 1500 × d_model, conv 3 × d_model²) are far smaller but counted for completeness.
 * WebGPU puts each weight in one buffer bound as storage, so it must fit both
 * `maxBufferSize` and `maxStorageBufferBindingSize`. An estimate from the architecture, not from
 * the files: the exported graphs may split or duplicate tensors but not grow the largest one.
 */
export function largestWeightBytes(model: ModelId, dtype: DtypePair): number {
  const { dModel, vocabSize, audioPositions } = MODEL_DIMENSIONS[model];
  const decoder = vocabSize * dModel * LARGEST_TENSOR_ELEMENT_BYTES[dtype.decoder];
  const encoder = Math.max(audioPositions * dModel, 3 * dModel * dModel) * LARGEST_TENSOR_ELEMENT_BYTES[dtype.encoder];
  return Math.max(decoder, encoder);
}

/** The largest weight a WebGPU adapter can hold in one storage binding. */
export function webGpuBufferLimit(adapter: WebGpuAdapterInfo): number {
  return Math.min(adapter.maxBufferSize, adapter.maxStorageBufferBindingSize);
}

/** The dtype pair WebGPU uses on this adapter: fp16 + q4f16 with `shader-f16`, else fp32 + q4. */
export function webGpuDtypes(adapter: WebGpuAdapterInfo | null): DtypePair {
  return adapter !== null && adapter.shaderF16 ? DTYPES["webgpu-f16"] : DTYPES.webgpu;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1_048_576)} MiB`;
}

/** Ids of {@link DEVICE_RULES}, for tests and logs. */
export type DeviceRuleId = "no-webgpu" | "fallback-adapter" | "very-low-memory" | "buffer-limits" | "webgpu-f16" | "webgpu";

/** One row of the device table, evaluated per model. */
export interface DeviceRule {
  readonly id: DeviceRuleId;
  readonly when: (facts: PlanFacts, model: ModelId) => boolean;
  /** Which {@link DTYPES} entry to use; "wasm" means no WebGPU attempt for this model. */
  readonly runtime: keyof typeof DTYPES;
  readonly why: (facts: PlanFacts, model: ModelId) => string;
}

function exceedsBuffers(facts: PlanFacts, model: ModelId): boolean {
  return facts.webgpu !== null && largestWeightBytes(model, webGpuDtypes(facts.webgpu)) > webGpuBufferLimit(facts.webgpu);
}

/**
 * Whether a model gets a WebGPU attempt (before its WASM one), and with which dtypes; first match wins.
 * WebGPU dtypes follow DESIGN.md for transformers.js 4.3: q8 decoders give garbage on WebGPU, and
 * the encoder's output type must match the decoder's input (fp16 + q4 fails).
 *
 * | # | id | when | runtime |
 * |---|----|------|---------|
 * | 1 | no-webgpu | no adapter | WASM q8 only |
 * | 2 | fallback-adapter | the adapter is a software fallback | WASM q8 only |
 * | 3 | very-low-memory | deviceMemory < 1 GB (weights sit in CPU and GPU memory while loading) | WASM q8 only |
 * | 4 | buffer-limits | largest weight > min(maxBufferSize, maxStorageBufferBindingSize) | WASM q8 only |
 * | 5 | webgpu-f16 | adapter has shader-f16 | WebGPU fp16 encoder + q4f16 decoder |
 * | 6 | webgpu | otherwise | WebGPU fp32 encoder + q4 decoder |
 */
export const DEVICE_RULES: readonly DeviceRule[] = [
  { id: "no-webgpu", when: (f) => f.webgpu === null, runtime: "wasm", why: () => "no WebGPU adapter, so WASM" },
  {
    id: "fallback-adapter",
    when: (f) => f.webgpu !== null && f.webgpu.isFallbackAdapter,
    runtime: "wasm",
    why: () => "the only WebGPU adapter is a software fallback, slower than WASM",
  },
  {
    id: "very-low-memory",
    when: (f) => f.memoryGb !== undefined && f.memoryGb < 1,
    runtime: "wasm",
    why: (f) => `${memoryText(f)} cannot hold the weights in CPU and GPU memory at once while loading, so WASM`,
  },
  {
    id: "buffer-limits",
    when: exceedsBuffers,
    runtime: "wasm",
    why: (f, model) =>
      `the GPU's largest buffer (${f.webgpu === null ? "none" : mib(webGpuBufferLimit(f.webgpu))}) is smaller than ${MODELS[model].label}'s biggest weight (${mib(
        largestWeightBytes(model, webGpuDtypes(f.webgpu)),
      )}), so WASM`,
  },
  {
    id: "webgpu-f16",
    when: (f) => f.webgpu !== null && f.webgpu.shaderF16,
    runtime: "webgpu-f16",
    why: () => "WebGPU with shader-f16 (fp16 encoder, q4f16 decoder)",
  },
  { id: "webgpu", when: () => true, runtime: "webgpu", why: () => "WebGPU (fp32 encoder, q4 decoder)" },
];

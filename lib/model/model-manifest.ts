/**
 * What a self-hosted model folder holds, as the browser needs to know it: per model, the weight
 * formats of its encoder and merged decoder. The app's server derives it from a listing of the
 * folder ({@link manifestFromListing}) and sends it with the client configuration, so the planner
 * only plans attempts whose files exist. With the Hub there is no manifest (`null`): anything may
 * be fetched, and a file that cannot be steps down at run time.
 */
import { DTYPE_SUFFIX, MODEL_ORDER, type Attempt, type Dtype, type DtypePair, type ModelId } from "./catalog";

/** Weight formats one model's folder holds, for its encoder and its merged decoder. */
export interface InstalledModel {
  readonly encoder: readonly Dtype[];
  readonly decoder: readonly Dtype[];
}

/** The models a folder holds; a model is listed only when it has config, tokenizer and one pair of weights. */
export type ModelManifest = Readonly<Partial<Record<ModelId, InstalledModel>>>;

/** Files a model needs besides its weights; without them transformers.js cannot start. */
export const REQUIRED_MODEL_FILES: readonly string[] = ["config.json", "tokenizer.json"];

const DTYPES_BY_SUFFIX: readonly Dtype[] = ["fp32", "fp16", "q8", "q4", "q4f16"];

function dtypesOf(files: ReadonlySet<string>, stem: string): Dtype[] {
  return DTYPES_BY_SUFFIX.filter((dtype) => files.has(`onnx/${stem}${DTYPE_SUFFIX[dtype]}.onnx`));
}

/**
 * The manifest of a folder from the paths of its files, relative to the folder and separated by
 * `/` ("whisper-base/onnx/encoder_model_quantized.onnx"). Pure; use it on the server's listing.
 */
export function manifestFromListing(paths: readonly string[]): ModelManifest {
  const manifest: Partial<Record<ModelId, InstalledModel>> = {};
  for (const model of MODEL_ORDER) {
    const prefix = `${model}/`;
    const files = new Set(paths.filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length)));
    if (!REQUIRED_MODEL_FILES.every((file) => files.has(file))) continue;
    const encoder = dtypesOf(files, "encoder_model");
    const decoder = dtypesOf(files, "decoder_model_merged");
    if (encoder.length > 0 && decoder.length > 0) manifest[model] = { encoder, decoder };
  }
  return manifest;
}

/** True when `manifest` (null: the Hub, where anything may be fetched) holds the files of `model` in `dtype`. */
export function hasFiles(manifest: ModelManifest | null, model: ModelId, dtype: DtypePair): boolean {
  if (manifest === null) return true;
  const installed = manifest[model];
  return installed !== undefined && installed.encoder.includes(dtype.encoder) && installed.decoder.includes(dtype.decoder);
}

/** True when the files `attempt` loads are there; use it to filter a plan. */
export function isInstalled(manifest: ModelManifest | null, attempt: Attempt): boolean {
  return hasFiles(manifest, attempt.model, attempt.dtype);
}

/** Models the settings may offer: every model with the Hub, else those the folder holds, smallest first. */
export function installedModels(manifest: ModelManifest | null): readonly ModelId[] {
  return manifest === null ? MODEL_ORDER : MODEL_ORDER.filter((model) => manifest[model] !== undefined);
}

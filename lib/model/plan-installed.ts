/**
 * Fits a plan to what a self-hosted model folder holds: the planner ({@link planAttempts}) decides
 * from the device alone, then {@link fitPlanToInstalled} drops every attempt whose files are not
 * there and, when none is left, falls back to whatever the folder can run on WASM. Use it on every
 * plan the session makes; with the Hub (no manifest) the plan is returned unchanged.
 */
import { DTYPES, MODELS, MODEL_ORDER, describeAttempt, type Attempt, type DtypePair } from "./catalog";
import { installedModels, isInstalled, type ModelManifest } from "./model-manifest";
import type { ModelPlan } from "./plan";

/**
 * Weight formats WASM can run, best first, for a folder that lacks q8: same-format pairs, then
 * WebGPU's fp32 encoder with a 4-bit decoder (MatMulNBits has a CPU kernel).
 */
export const WASM_FALLBACK_DTYPES: readonly DtypePair[] = [
  DTYPES.wasm,
  { encoder: "fp32", decoder: "fp32" },
  { encoder: "fp32", decoder: "q4" },
  { encoder: "q4", decoder: "q4" },
  { encoder: "fp16", decoder: "fp16" },
];

/** The sentence shown when the folder holds nothing the app can run. */
export const NOTHING_INSTALLED =
  "This server's model folder holds no Whisper model this app can run (it needs config.json, tokenizer.json and an onnx/encoder_model*.onnx with its decoder_model_merged*.onnx). Ask whoever runs it to fill the folder with `npm run models:download`, or to unset WHISPER_MODELS_DIR to use the Hugging Face Hub.";

/** True when the folder (null: the Hub) lets at least one attempt run; false means show {@link NOTHING_INSTALLED}. */
export function canRunAnything(installed: ModelManifest | null): boolean {
  return installedModels(installed).some((model) => WASM_FALLBACK_DTYPES.some((dtype) => isInstalled(installed, { model, device: "wasm", dtype })));
}

function missingText(wanted: Attempt, installed: ModelManifest): string {
  const model = MODELS[wanted.model].label;
  return installed[wanted.model] === undefined ? `${model} is not installed on this server` : `${describeAttempt(wanted)} is not installed on this server`;
}

/**
 * `plan` without the attempts whose files `installed` lacks. When nothing of the plan is left, the
 * attempts are the WASM ones the folder can run, smallest model first. `why` then starts with the
 * reason ("Whisper tiny is not installed on this server, so Whisper base · WASM · q8."). When the
 * folder can run nothing, `attempts` is empty; check {@link canRunAnything} first.
 */
export function fitPlanToInstalled(plan: ModelPlan, installed: ModelManifest | null): ModelPlan {
  if (installed === null) return plan;
  const kept = plan.attempts.filter((attempt) => isInstalled(installed, attempt));
  const wanted = plan.attempts[0];
  if (wanted === undefined || kept.length === plan.attempts.length) return plan;
  const attempts =
    kept.length > 0
      ? kept
      : MODEL_ORDER.flatMap((model): Attempt[] => {
          const dtype = WASM_FALLBACK_DTYPES.find((pair) => isInstalled(installed, { model, device: "wasm", dtype: pair }));
          return dtype === undefined ? [] : [{ model, device: "wasm", dtype }];
        });
  const first = attempts[0];
  if (first === undefined) return { ...plan, attempts: [], why: NOTHING_INSTALLED };
  if (first === wanted) return { ...plan, attempts };
  return { ...plan, attempts, why: `${missingText(wanted, installed)}, so ${describeAttempt(first)}. The plan without that limit: ${plan.why}` };
}

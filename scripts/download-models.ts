// `npm run models:download`: fills a self-hosted model folder from the Hugging Face Hub, for
// deployments that serve models themselves (WHISPER_MODELS_DIR). Files land in
// <dir>/<model>/{config.json,…,onnx/*.onnx}, the layout transformers.js loads.
//
//   npm run models:download -- [--out DIR] [--models whisper-tiny,whisper-base] [--dtypes q8,fp32,q4,fp16,q4f16]
//
// Merged decoders are slimmed as they land (lib/model/slim-decoder.ts: the with-past branch stops
// copying the cross-attention cache out at every token), as the app does with the ones it fetches.
//
// HF_ENDPOINT overrides the Hub's address (a mirror, or the tests' stand-in server).
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { MERGED_DECODER_FILE, slimDecoder, type SlimOutcome } from "../lib/model/slim-decoder";
import { DTYPE_SUFFIX, MODEL_CONFIG_FILES, MODELS, isModelId, type Dtype, type ModelId } from "../lib/model/catalog";

const DTYPES: readonly Dtype[] = ["fp32", "fp16", "q8", "q4", "q4f16"];
const isDtype = (value: string): value is Dtype => DTYPES.some((dtype) => dtype === value);

function fail(message: string): never {
  console.error(`[models:download] ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    models: { type: "string", default: "whisper-tiny,whisper-base" },
    dtypes: { type: "string", default: "q8,fp32,q4,fp16,q4f16" },
  },
});
const out = resolve(values.out ?? process.env.WHISPER_MODELS_DIR ?? "models");
const models: ModelId[] = values.models.split(",").map((name) => (isModelId(name) ? name : fail(`unknown model "${name}"; known: ${Object.keys(MODELS).join(", ")}`)));
const dtypes: Dtype[] = values.dtypes.split(",").map((name) => (isDtype(name) ? name : fail(`unknown dtype "${name}"; known: ${DTYPES.join(", ")}`)));
const endpoint = (process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");

/** Slims the merged decoder at `path` in place (through a temporary file); says what it did. */
function slimFile(path: string): SlimOutcome {
  const { bytes, outcome } = slimDecoder(new Uint8Array(readFileSync(path)));
  if (outcome.kind === "slimmed") {
    writeFileSync(`${path}.slim-tmp`, bytes);
    renameSync(`${path}.slim-tmp`, path);
  }
  return outcome;
}

/** A decoder this script slimmed earlier no longer has the Hub's size, so it is recognised by its graph. */
function alreadySlim(target: string): boolean {
  return MERGED_DECODER_FILE.test(target) && existsSync(target) && slimDecoder(new Uint8Array(readFileSync(target))).outcome.kind === "already-slim";
}

async function download(url: string, target: string): Promise<number> {
  const response = await fetch(url, { redirect: "follow" });
  if (!response.ok || response.body === null) throw new Error(`${url}: HTTP ${response.status}`);
  const expected = Number(response.headers.get("content-length") ?? "NaN");
  if (existsSync(target) && (statSync(target).size === expected || alreadySlim(target))) {
    await response.body.cancel();
    return 0;
  }
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.part`;
  await pipeline(Readable.fromWeb(response.body), createWriteStream(partial));
  renameSync(partial, target);
  return statSync(target).size;
}

// A function, not top-level await: tsx runs this file as CommonJS (package.json has no "type").
async function main(): Promise<void> {
  let total = 0;
  for (const model of models) {
    const files = new Set(MODEL_CONFIG_FILES);
    for (const dtype of dtypes) {
      files.add(`onnx/encoder_model${DTYPE_SUFFIX[dtype]}.onnx`);
      files.add(`onnx/decoder_model_merged${DTYPE_SUFFIX[dtype]}.onnx`);
    }
    for (const file of files) {
      const url = `${endpoint}/${MODELS[model].hubRepo}/resolve/main/${file}`;
      const bytes = await download(url, join(out, model, file)).catch((error: unknown) => fail(`could not fetch ${file} of ${model}: ${String(error)}`));
      total += bytes;
      const slimmed = MERGED_DECODER_FILE.test(file) ? `; ${slimFile(join(out, model, file)).message}` : "";
      console.info(`[models:download] ${model}/${file} ${bytes === 0 ? "already there" : `${(bytes / 1e6).toFixed(1)} MB`}${slimmed}`);
    }
  }
  console.info(`[models:download] done: ${(total / 1e6).toFixed(1)} MB new in ${out}. Start the app with WHISPER_MODELS_DIR=${out}`);
}

void main();

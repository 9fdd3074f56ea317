/**
 * The benchmark's default path: what a user who configures nothing gets. The benchmark's slimmed
 * models are turned back into the Hub's unslimmed layout (scripts/unslim-decoder.ts) in a folder of
 * their own, served at the Hub's URLs by a local stand-in Hub (test/support/hub-stand-in.ts), and
 * loaded through the app's own slimming path (lib/model/slim-fetch.ts: the browser's worker, and
 * Node's transformers.js with the same `env.fetch`). Also measures the rewrite itself.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MODELS } from "../../lib/model/catalog";
import { slimDecoder } from "../../lib/model/slim-decoder";
import { startHubStandIn, type HubStandIn } from "../../test/support/hub-stand-in";
import { unslimDecoder } from "../unslim-decoder";
import type { BenchModel } from "./models";

/** The WASM q8 files, the only ones the benchmark loads. */
const ONNX = { encoder: "encoder_model_quantized.onnx", decoder: "decoder_model_merged_quantized.onnx" } as const;

/** What one rewrite of a Hub decoder costs, in the same TypeScript the worker runs (here on Node's V8). */
export interface RewriteCost {
  readonly model: BenchModel;
  /** Median of three rewrites. */
  readonly ms: number;
  readonly inputBytes: number;
  /** Bytes the rewrite allocates: the output model, held beside the input until the input is dropped. */
  readonly outputBytes: number;
}

/**
 * Writes `<hubDir>/<model>/` in the Hub's layout from the slimmed `<modelsDir>/<model>/`: the JSON
 * files and the q8 encoder copied, the q8 merged decoder unslimmed. Throws if the result is not
 * something slimDecoder would rewrite (then the default-path row would measure nothing).
 */
export function writeHubLayout(modelsDir: string, hubDir: string, model: BenchModel): string {
  const from = join(modelsDir, model);
  const to = join(hubDir, model);
  mkdirSync(join(to, "onnx"), { recursive: true });
  for (const file of readdirSync(from)) if (file.endsWith(".json") && file !== "bench-model.json") copyFileSync(join(from, file), join(to, file));
  copyFileSync(join(from, "onnx", ONNX.encoder), join(to, "onnx", ONNX.encoder));
  const { bytes, restored } = unslimDecoder(new Uint8Array(readFileSync(join(from, "onnx", ONNX.decoder))));
  if (restored === 0) throw new Error(`${from}/onnx/${ONNX.decoder} has no empty cross-attention outputs to restore`);
  writeFileSync(join(to, "onnx", ONNX.decoder), bytes);
  return to;
}

/** Times slimDecoder on the Hub-layout decoder of `model` (three runs, median). */
export function measureRewrite(hubDir: string, model: BenchModel): RewriteCost {
  const input = new Uint8Array(readFileSync(join(hubDir, model, "onnx", ONNX.decoder)));
  const times: number[] = [];
  let outputBytes = 0;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const result = slimDecoder(input);
    times.push(performance.now() - started);
    if (result.outcome.kind !== "slimmed") throw new Error(`the Hub-layout ${model} decoder was not slimmed: ${result.outcome.message}`);
    outputBytes = result.bytes.byteLength;
  }
  times.sort((a, b) => a - b);
  return { model, ms: times[1] ?? Number.NaN, inputBytes: input.byteLength, outputBytes };
}

/** Starts the stand-in Hub serving `models` from `hubDir` under their Hub repos. */
export function serveHub(hubDir: string, models: readonly BenchModel[]): Promise<HubStandIn> {
  return startHubStandIn(Object.fromEntries(models.map((model) => [MODELS[model].hubRepo, join(hubDir, model)])));
}

/** The Hub repo transformers.js loads `model` from on the default path. */
export function hubRepo(model: BenchModel): string {
  return MODELS[model].hubRepo;
}

/** A lane's first visit: its warm-up run, from an empty cache. */
export interface FirstVisit {
  readonly model: BenchModel;
  readonly runtime: string;
  readonly loadMs: number;
  readonly peakBytes: number;
}

/**
 * The report's context lines on what a first visit costs: each lane's first load and peak, and
 * each default-path lane against its self-hosted twin (the rewrite's extra time and MB).
 */
export function firstVisitContext(visits: readonly FirstVisit[], rewrites: readonly RewriteCost[]): Record<string, string> {
  const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
  const lines: Record<string, string> = {};
  if (visits.length > 0) lines["first visit"] = visits.map((visit) => `${visit.model} ${visit.runtime}: load ${(visit.loadMs / 1000).toFixed(1)} s, peak ${mb(visit.peakBytes)} MB`).join("; ");
  const extra = visits
    .filter((visit) => visit.runtime.endsWith("(Hub)"))
    .flatMap((visit) => {
      const twin = visits.find((other) => other.model === visit.model && other.runtime === visit.runtime.replace(" (Hub)", ""));
      return twin === undefined ? [] : [`${visit.model} ${visit.runtime}: ${((visit.loadMs - twin.loadMs) / 1000).toFixed(1)} s and ${mb(visit.peakBytes - twin.peakBytes)} MB of peak over self-hosted slimmed files`];
    });
  if (extra.length > 0) lines["first visit, default path"] = extra.join("; ");
  if (rewrites.length > 0) {
    lines.rewrite = rewrites
      .map((cost) => `${cost.model}: slimDecoder on the ${mb(cost.inputBytes)} MB q8 decoder takes ${cost.ms.toFixed(0)} ms (Node, median of 3) and allocates its ${mb(cost.outputBytes)} MB output beside the input`)
      .join("; ");
  }
  return lines;
}

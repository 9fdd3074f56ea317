/**
 * What handing out only the new self-attention cache rows (lib/model/new-cache-rows.ts +
 * lib/transcription/cache-rows.ts) does to a 100-token window's decoding on ONNX Runtime Web (its
 * WASM build, in Node, the app's thread count): the same merged decoder of the benchmark models
 * (random weights, real dimensions; made by `npm run bench`), created as the app creates it
 * (weights as external data) with and without the rewrite, run alternately; per variant the median
 * of the runs' decode time, the size of the distinct ArrayBuffers the cache outputs came in (fresh
 * ones at every step for the whole cache; the same reused pairs for new rows, plus one row per
 * output and step that the wrapper drops), and V8's garbage collection time over the run.
 *
 * A second table: what ORT Web's copy of each input into its heap costs at every `run` (a one-node
 * `Shape` model fed an input as large as the window's cross-attention cache, which the merged
 * decoder takes at every step).
 *
 *   npm run bench:decoder-cache -- [--models tiny,base] [--runs 5] [--threads 2] [--models-dir .cache/bench-models]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-web";
import { externalizeWeights } from "../lib/model/external-weights";
import { nodeField } from "../lib/model/onnx-graph";
import { bytesField, concat, varintField } from "../lib/model/protobuf";
import { wholeCacheFromRows } from "../lib/transcription/cache-rows";
import { leanSession } from "../lib/transcription/lean-sessions";
import { median } from "./bench/report";
import { greedySteps, randomHiddenStates, type DecoderConfig } from "./bench/decoder-steps";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STEPS = 101;
const { values } = parseArgs({ options: { models: { type: "string", default: "tiny,base" }, runs: { type: "string", default: "5" }, threads: { type: "string", default: "2" }, "models-dir": { type: "string", default: join(ROOT, ".cache", "bench-models") } } });
ort.env.wasm.numThreads = Number(values.threads);
ort.env.wasm.wasmPaths = join(ROOT, "node_modules", "onnxruntime-web", "dist") + "/";

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ["gc"] });

interface Run {
  readonly ms: number;
  readonly cacheMb: number;
  readonly gcMs: number;
}

/** A model with one float input `x` of any length and the output `Shape(x)`: a run costs little beyond copying `x` in. */
function shapeModel(): Uint8Array {
  const tensorInput = (name: string, elemType: number): Uint8Array => concat([bytesField(1, name), bytesField(2, bytesField(1, concat([varintField(1, elemType), bytesField(2, bytesField(1, bytesField(2, "n")))])))]);
  const graph = concat([nodeField("Shape", "shape", ["x"], ["y"]), bytesField(2, "copy"), bytesField(11, tensorInput("x", 1)), bytesField(12, tensorInput("y", 7))]);
  return concat([varintField(1, 8), bytesField(7, graph), bytesField(8, concat([bytesField(1, ""), varintField(2, 17)]))]);
}

/** Median ms of a `run` of {@link shapeModel} with an input of `megabytes` (10^6 bytes). */
async function copyMs(session: ort.InferenceSession, megabytes: number, runs: number): Promise<number> {
  const length = Math.round((megabytes * 1e6) / 4);
  const input = new ort.Tensor("float32", new Float32Array(length), [length]);
  for (let index = 0; index < 5; index += 1) await session.run({ x: input });
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    await session.run({ x: input });
    times.push(performance.now() - started);
  }
  return median(times);
}

async function run(session: ort.InferenceSession, config: DecoderConfig, hidden: ort.Tensor): Promise<Run> {
  let bytes = 0;
  const seen = new Set<ArrayBufferLike>();
  const gcBefore = gcMs;
  const started = performance.now();
  await greedySteps(ort, session, config, hidden, STEPS, (_step, output) => {
    for (const [name, tensor] of Object.entries(output)) {
      if (!/^present\.\d+\.decoder\./.test(name) || !(tensor.data instanceof Float32Array) || seen.has(tensor.data.buffer)) continue;
      seen.add(tensor.data.buffer);
      bytes += tensor.data.buffer.byteLength;
    }
  });
  const ms = performance.now() - started;
  // The observer's entries arrive on a later task.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { ms, cacheMb: bytes / 2 ** 20, gcMs: gcMs - gcBefore };
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const copies: string[][] = [];
  for (const model of values.models.split(",")) {
    const folder = join(values["models-dir"], `whisper-${model}`);
    const config = JSON.parse(readFileSync(join(folder, "config.json"), "utf8")) as DecoderConfig;
    const bytes = new Uint8Array(readFileSync(join(folder, "onnx", "decoder_model_merged_quantized.onnx")));
    const hidden = randomHiddenStates(ort, config);
    // Encoder layers' key and value for 1500 positions, float32: the cross-attention cache.
    const crossMb = (config.decoder_layers * 2 * 1500 * config.d_model * 4) / 1e6;
    const plain = leanSession(bytes, { executionProviders: ["wasm"] });
    if (plain === null || plain.cacheRows.length === 0) throw new Error(`${folder}: the decoder was not rewritten`);
    // The same externalized graph without the cache-rows rewrite: what the app ran before it.
    const split = externalizeWeights(bytes, "weights.bin");
    if (split === null) throw new Error(`${folder}: the decoder's weights could not be externalized`);
    const before = await ort.InferenceSession.create(split.graph, { executionProviders: ["wasm"], externalData: [{ path: split.location, data: bytes }] });
    const after = wholeCacheFromRows(await ort.InferenceSession.create(plain.graph, plain.options), plain.cacheRows);
    const results: Record<"whole cache" | "new rows", Run[]> = { "whole cache": [], "new rows": [] };
    await run(before, config, hidden);
    await run(after, config, hidden);
    for (let index = 0; index < Number(values.runs); index += 1) {
      results["whole cache"].push(await run(before, config, hidden));
      results["new rows"].push(await run(after, config, hidden));
    }
    for (const [variant, list] of Object.entries(results)) {
      const ms = median(list.map((item) => item.ms));
      rows.push([model, variant, String(list.length), ms.toFixed(0), (ms / STEPS).toFixed(1), median(list.map((item) => item.cacheMb)).toFixed(1), median(list.map((item) => item.gcMs)).toFixed(1)]);
    }
    await before.release();
    await after.release();
    const copy = await ort.InferenceSession.create(shapeModel(), { executionProviders: ["wasm"] });
    copies.push([model, crossMb.toFixed(1), (await copyMs(copy, crossMb, 50)).toFixed(2), (await copyMs(copy, (1500 * config.d_model * 4) / 1e6, 50)).toFixed(2)]);
    await copy.release();
  }
  console.log(`\n${STEPS} decoder steps per run, onnxruntime-web ${ort.env.versions.web ?? ""} WASM in Node ${process.version}, ${values.threads} threads; medians\n`);
  console.log("| model | decoder cache | runs | decode ms | ms/step | cache buffers MB | GC ms |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log("\nORT Web's copy of an input into its heap, per run (a one-node Shape model; medians of 50 runs)\n");
  console.log("| model | cross-attention cache MB | ms per run with it as input | ms per run with encoder_hidden_states' size |");
  console.log("| --- | --- | --- | --- |");
  for (const row of copies) console.log(`| ${row.join(" | ")} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

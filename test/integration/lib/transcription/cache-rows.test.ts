// A merged decoder that hands out only each step's new self-attention cache rows
// (lib/model/new-cache-rows.ts), with the session's run putting the whole cache back together
// (lib/transcription/cache-rows.ts), on ONNX Runtime Web itself (WASM, in Node, one thread):
// over a greedy decode of several steps fed back the way transformers.js feeds them, it gives the
// very logits and caches of a session made from the whole file, and the decoder did hand out one
// row per step.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { newCacheRows } from "@/lib/model/new-cache-rows";
import { wholeCacheFromRows } from "@/lib/transcription/cache-rows";
import { leanSession } from "@/lib/transcription/lean-sessions";
import { greedySteps, randomHiddenStates, type DecoderConfig } from "../../../../scripts/bench/decoder-steps";

const MODEL = fileURLToPath(new URL("../../../fixtures/models/whisper-tiny/", import.meta.url));
const decoderBytes = new Uint8Array(readFileSync(`${MODEL}onnx/decoder_model_merged_quantized.onnx`));
const config = JSON.parse(readFileSync(`${MODEL}config.json`, "utf8")) as DecoderConfig;
const STEPS = 8;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = fileURLToPath(new URL("../../../../node_modules/onnxruntime-web/dist/", import.meta.url));
});

interface Step {
  readonly logits: Float32Array;
  readonly cache: Record<string, { dims: readonly number[]; data: number[] }>;
  readonly buffers: ArrayBufferLike[];
}

/** A greedy decode of STEPS steps, with each step's logits, self-attention caches and the buffers those live in. */
async function decode(session: ort.InferenceSession): Promise<Step[]> {
  const steps: Step[] = [];
  await greedySteps(ort, session, config, randomHiddenStates(ort, config), STEPS, (_step, output) => {
    const cache: Step["cache"] = {};
    const buffers: ArrayBufferLike[] = [];
    for (const [name, tensor] of Object.entries(output)) {
      if (!/^present\.\d+\.decoder\./.test(name) || !(tensor.data instanceof Float32Array)) continue;
      cache[name] = { dims: tensor.dims, data: Array.from(tensor.data) };
      buffers.push(tensor.data.buffer);
    }
    const logits = output.logits?.data;
    steps.push({ logits: logits instanceof Float32Array ? Float32Array.from(logits) : new Float32Array(0), cache, buffers });
  });
  return steps;
}

describe("new cache rows on ONNX Runtime Web", () => {
  it("rewrites every self-attention cache output of the merged decoder, once", () => {
    const rows = newCacheRows(decoderBytes);
    expect(rows?.outputs).toHaveLength(2 * config.decoder_layers);
    expect(rows?.outputs.every((name) => /^present\.\d+\.decoder\.(key|value)$/.test(name))).toBe(true);
    // Rewritten, the outputs are no longer Concats: a second pass finds nothing to do.
    if (rows !== null) expect(newCacheRows(rows.bytes)).toBeNull();
    // leanSession applies it on WASM, and leaves WebGPU sessions (whose cache stays on the GPU) alone.
    expect(leanSession(decoderBytes, { executionProviders: ["wasm"] })?.cacheRows).toHaveLength(2 * config.decoder_layers);
    expect(leanSession(decoderBytes, { executionProviders: ["webgpu", "wasm"] })?.cacheRows).toEqual([]);
    expect(leanSession(decoderBytes, { executionProviders: [{ name: "wasm" }] })?.cacheRows).toHaveLength(2 * config.decoder_layers);
    expect(leanSession(decoderBytes, { executionProviders: [{ name: "webgpu" }] })?.cacheRows).toEqual([]);
    expect(leanSession(decoderBytes, { executionProviders: ["wasm"], preferredOutputLocation: { "present.0.decoder.key": "gpu-buffer" } })?.cacheRows).toEqual([]);
  });

  it("hands out one row per step and gives the whole file's logits and caches", async () => {
    const lean = leanSession(decoderBytes, {});
    if (lean === null || lean.cacheRows.length === 0) throw new Error("leanSession did not rewrite the decoder");
    const raw = await ort.InferenceSession.create(lean.graph, lean.options);
    const rawSteps = await decode(raw);
    // Without the wrapper, each with-past step's cache output is that step's single row.
    for (const step of rawSteps.slice(1)) for (const { dims } of Object.values(step.cache)) expect(dims[2]).toBe(1);

    const whole = await decode(await ort.InferenceSession.create(decoderBytes));
    const rebuilt = await decode(wholeCacheFromRows(await ort.InferenceSession.create(lean.graph, lean.options), lean.cacheRows));
    expect(rebuilt).toHaveLength(STEPS);
    for (const [index, step] of rebuilt.entries()) {
      const reference = whole[index];
      if (reference === undefined) throw new Error("missing step");
      expect(Array.from(step.logits)).toEqual(Array.from(reference.logits));
      expect(step.cache).toEqual(reference.cache);
      expect(step.cache["present.0.decoder.key"]?.dims[2]).toBe(4 + index);
    }
    // The rebuilt caches live in two buffers per output, taken in turn (no growth within 4..11 rows after the first doubling).
    const [third, fifth] = [rebuilt[3]?.buffers, rebuilt[5]?.buffers];
    expect(third).toHaveLength(2 * config.decoder_layers);
    expect(fifth).toEqual(third);
    expect(rebuilt[4]?.buffers.some((buffer, index) => buffer === third?.[index])).toBe(false);
  });
});

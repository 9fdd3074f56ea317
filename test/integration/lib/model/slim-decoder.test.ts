// The slimmed decoder against the Hub's unslimmed one on ONNX Runtime (onnxruntime-node), with the
// random-weight tiny fixture: greedy decoding gives the same tokens, and at the with-past steps the
// slimmed decoder's present.N.encoder.* outputs are empty while the unslimmed one copies the
// cross-attention cache (1500 encoder frames) back out. Past values are fed as transformers.js
// does: decoder entries from the previous step, encoder entries from the first step.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { slimDecoder } from "@/lib/model/slim-decoder";

const HUB = fileURLToPath(new URL("../../../fixtures/models-hub/whisper-tiny/", import.meta.url));
const config: unknown = JSON.parse(readFileSync(`${HUB}config.json`, "utf8"));

function numberOf(record: unknown, key: string): number {
  const value: unknown = typeof record === "object" && record !== null ? Reflect.get(record, key) : undefined;
  if (typeof value !== "number") throw new Error(`config.json has no ${key}`);
  return value;
}

const LAYERS = numberOf(config, "decoder_layers");
const HEADS = numberOf(config, "decoder_attention_heads");
const HEAD_DIM = numberOf(config, "d_model") / HEADS;
const START = numberOf(config, "decoder_start_token_id");
const STEPS = 6;

interface Run {
  readonly tokens: number[];
  /** dims of every present.N.encoder.* output, per step. */
  readonly encoderPresents: number[][][];
}

function features(): Tensor {
  const data = new Float32Array(80 * 3000);
  let seed = 1;
  for (let index = 0; index < data.length; index += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    data[index] = seed / 2 ** 31 - 0.5;
  }
  return new Tensor("float32", data, [1, 80, 3000]);
}

function argmaxLast(logits: Tensor): number {
  const vocabulary = logits.dims[2] ?? 0;
  const data = logits.data;
  if (!(data instanceof Float32Array)) throw new Error("logits are not float32");
  const last = data.subarray(data.length - vocabulary);
  let best = 0;
  for (let index = 1; index < last.length; index += 1) if ((last[index] ?? -Infinity) > (last[best] ?? -Infinity)) best = index;
  return best;
}

async function decode(decoderBytes: Uint8Array, hidden: Tensor): Promise<Run> {
  const session = await InferenceSession.create(decoderBytes);
  const empty = (): Tensor => new Tensor("float32", new Float32Array(0), [1, HEADS, 0, HEAD_DIM]);
  const past = new Map<string, Tensor>();
  for (let layer = 0; layer < LAYERS; layer += 1) for (const kind of ["decoder", "encoder"]) for (const part of ["key", "value"]) past.set(`past_key_values.${layer}.${kind}.${part}`, empty());
  const tokens: number[] = [];
  const encoderPresents: number[][][] = [];
  let token = START;
  for (let step = 0; step < STEPS; step += 1) {
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor("int64", BigInt64Array.from([BigInt(token)]), [1, 1]),
      encoder_hidden_states: hidden,
      use_cache_branch: new Tensor("bool", Uint8Array.from([step > 0 ? 1 : 0]), [1]),
    };
    for (const [name, tensor] of past) feeds[name] = tensor;
    const outputs = await session.run(feeds);
    const logits = outputs.logits;
    if (logits === undefined) throw new Error("no logits");
    token = argmaxLast(logits);
    tokens.push(token);
    const shapes: number[][] = [];
    for (const [name, tensor] of Object.entries(outputs)) {
      if (!name.startsWith("present.")) continue;
      const pastName = name.replace("present", "past_key_values");
      if (name.includes(".encoder.")) shapes.push([...tensor.dims]);
      if (name.includes(".decoder.") || step === 0) past.set(pastName, tensor);
    }
    encoderPresents.push(shapes);
  }
  await session.release();
  return { tokens, encoderPresents };
}

describe("slimmed merged decoder on ONNX Runtime", () => {
  for (const file of ["decoder_model_merged.onnx", "decoder_model_merged_quantized.onnx"]) {
    it(`decodes the same tokens as the Hub's ${file}, without copying the cross-attention cache out`, async () => {
      const encoderFile = file.includes("quantized") ? "encoder_model_quantized.onnx" : "encoder_model.onnx";
      const encoder = await InferenceSession.create(`${HUB}onnx/${encoderFile}`);
      const hidden = (await encoder.run({ input_features: features() })).last_hidden_state;
      await encoder.release();
      if (hidden === undefined) throw new Error("no encoder output");
      const hub = new Uint8Array(readFileSync(`${HUB}onnx/${file}`));
      const slim = slimDecoder(hub);
      expect(slim.outcome.kind).toBe("slimmed");
      const before = await decode(hub, hidden);
      const after = await decode(slim.bytes, hidden);
      expect(after.tokens).toEqual(before.tokens);
      expect(new Set(before.tokens).size).toBeGreaterThan(1);
      const frames = hidden.dims[1] ?? 0;
      expect(frames).toBe(1500);
      for (const run of [before, after]) {
        expect(run.encoderPresents[0]).toEqual(Array.from({ length: LAYERS * 2 }, () => [1, HEADS, frames, HEAD_DIM]));
      }
      for (let step = 1; step < STEPS; step += 1) {
        expect(before.encoderPresents[step]).toEqual(Array.from({ length: LAYERS * 2 }, () => [1, HEADS, frames, HEAD_DIM]));
        expect(after.encoderPresents[step]).toEqual(Array.from({ length: LAYERS * 2 }, () => [1, HEADS, 0, HEAD_DIM]));
      }
    }, 60_000);
  }
});

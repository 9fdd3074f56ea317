// leanSession on ONNX Runtime Web itself (its WASM build, in Node, one thread): a session made from
// the rewritten graph (weights as external data in the original file; for the encoder, attention a
// slice of query rows at a time) computes exactly what a session made from the whole file
// computes, for the tiny fixture's encoder and merged decoder (whose If branches are walked too);
// through leanSessions, the file's bytes are freed once the session exists and it still runs.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { chunkEncoderAttention } from "@/lib/model/chunked-attention";
import { externalizeWeights } from "@/lib/model/external-weights";
import { leanSession, leanSessions } from "@/lib/transcription/lean-sessions";

const MODEL = fileURLToPath(new URL("../../../fixtures/models/whisper-tiny/", import.meta.url));
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(`${MODEL}onnx/${name}`));
const config = JSON.parse(readFileSync(`${MODEL}config.json`, "utf8")) as { d_model: number; encoder_layers: number; decoder_layers: number; decoder_attention_heads: number; decoder_start_token_id: number };

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = fileURLToPath(new URL("../../../../node_modules/onnxruntime-web/dist/", import.meta.url));
});

function features(): ort.Tensor {
  const data = new Float32Array(80 * 3000);
  let seed = 7;
  for (let index = 0; index < data.length; index += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    data[index] = seed / 2 ** 31 - 0.5;
  }
  return new ort.Tensor("float32", data, [1, 80, 3000]);
}

async function session(bytes: Uint8Array, split: boolean): Promise<ort.InferenceSession> {
  if (!split) return ort.InferenceSession.create(bytes);
  const lean = leanSession(bytes, {});
  if (lean === null) throw new Error("leanSession left the model as it was");
  return ort.InferenceSession.create(lean.graph, lean.options);
}

async function encode(split: boolean): Promise<ort.Tensor> {
  const output = await (await session(file("encoder_model_quantized.onnx"), split)).run({ input_features: features() });
  const hidden = output.last_hidden_state;
  if (hidden === undefined) throw new Error("no last_hidden_state");
  return hidden;
}

async function firstLogits(split: boolean, hidden: ort.Tensor): Promise<Float32Array> {
  const decoder = await session(file("decoder_model_merged_quantized.onnx"), split);
  const heads = config.decoder_attention_heads;
  const empty = (): ort.Tensor => new ort.Tensor("float32", new Float32Array(0), [1, heads, 0, config.d_model / heads]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from([BigInt(config.decoder_start_token_id)]), [1, 1]),
    encoder_hidden_states: hidden,
    use_cache_branch: new ort.Tensor("bool", [false], [1]),
  };
  for (let layer = 0; layer < config.decoder_layers; layer += 1) for (const kind of ["decoder", "encoder"]) for (const part of ["key", "value"]) feeds[`past_key_values.${layer}.${kind}.${part}`] = empty();
  const logits = (await decoder.run(feeds)).logits?.data;
  if (!(logits instanceof Float32Array)) throw new Error("no float32 logits");
  return logits;
}

describe("lean sessions on ONNX Runtime Web", () => {
  it("moves the weights out of the graph and leaves a small graph", () => {
    for (const name of ["encoder_model_quantized.onnx", "decoder_model_merged_quantized.onnx"]) {
      const bytes = file(name);
      const external = externalizeWeights(bytes, "weights.bin");
      expect(external).not.toBeNull();
      if (external === null) continue;
      // The fixture's layers are tiny, so some initializers stay under the 1 KB threshold; real
      // models move over 99 % of the file (whisper-tiny's q8 decoder: 47.2 of 49.8 MB).
      expect(external.tensors).toBeGreaterThan(10);
      expect(external.bytes).toBeGreaterThan(bytes.length * 0.65);
      expect(external.graph.length).toBeLessThan(bytes.length * 0.35);
      // Only the raw data left the graph; each moved tensor gained a few bytes of references.
      expect(external.graph.length).toBeLessThan(bytes.length - external.bytes + external.tensors * 128);
      // A second pass finds nothing left to move.
      expect(externalizeWeights(external.graph, "weights.bin")).toBeNull();
    }
  });

  it("slices the attention of encoders only, one block per layer", () => {
    const encoder = externalizeWeights(file("encoder_model_quantized.onnx"), "weights.bin");
    const decoder = externalizeWeights(file("decoder_model_merged_quantized.onnx"), "weights.bin");
    if (encoder === null || decoder === null) throw new Error("nothing was externalized");
    expect(chunkEncoderAttention(encoder.graph)?.blocks).toBe(config.encoder_layers);
    expect(chunkEncoderAttention(decoder.graph)).toBeNull();
  });

  it("computes the same encoder output and decoder logits as the whole file", async () => {
    const whole = await encode(false);
    const split = await encode(true);
    expect(Array.from(split.data as Float32Array)).toEqual(Array.from(whole.data as Float32Array));
    expect(Array.from(await firstLogits(true, whole))).toEqual(Array.from(await firstLogits(false, whole)));
  });

  it("runs sessions whose file bytes were freed after they were created", async () => {
    const factory = { create: (...args: unknown[]): Promise<unknown> => Reflect.apply(ort.InferenceSession.create, ort.InferenceSession, args) as Promise<unknown> };
    leanSessions(factory);
    const bytes = file("encoder_model_quantized.onnx");
    const encoder = (await factory.create(bytes)) as ort.InferenceSession;
    // ONNX Runtime copied the weights into its heap while creating the session; nothing reads them after.
    expect(bytes.buffer.byteLength).toBe(0);
    const freed = (await encoder.run({ input_features: features() })).last_hidden_state;
    const whole = await encode(false);
    expect(Array.from(freed?.data as Float32Array)).toEqual(Array.from(whole.data as Float32Array));
  });
});

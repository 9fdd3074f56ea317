/**
 * A merged Whisper decoder run step by step the way transformers.js runs it: a prompt, then one
 * greedy token at a time, each step's self-attention cache fed back as the next step's past and
 * the cross-attention cache kept from the first step. Used by scripts/bench-decoder-cache.ts and
 * test/integration/lib/transcription/cache-rows.test.ts, on onnxruntime-web.
 */
import type * as Ort from "onnxruntime-web";

/** The fields of a Whisper config.json the loop needs. */
export interface DecoderConfig {
  readonly d_model: number;
  readonly decoder_layers: number;
  readonly decoder_attention_heads: number;
  readonly decoder_start_token_id: number;
  readonly vocab_size: number;
}

/** Random encoder output [1, 1500, d_model], the same for a given seed. */
export function randomHiddenStates(ort: typeof Ort, config: DecoderConfig, seed = 11): Ort.Tensor {
  const data = new Float32Array(1500 * config.d_model);
  let state = seed;
  for (let index = 0; index < data.length; index += 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    data[index] = state / 2 ** 31 - 0.5;
  }
  return new ort.Tensor("float32", data, [1, 1500, config.d_model]);
}

/**
 * Runs `steps` decoder steps from a four-token prompt and calls `onStep` with each step's outputs
 * and the last position's logits (a view into the outputs).
 */
export async function greedySteps(ort: typeof Ort, session: Ort.InferenceSession, config: DecoderConfig, hidden: Ort.Tensor, steps: number, onStep: (step: number, output: Ort.InferenceSession.OnnxValueMapType, logits: Float32Array) => void): Promise<void> {
  const heads = config.decoder_attention_heads;
  const past: Record<string, Ort.Tensor> = {};
  for (let layer = 0; layer < config.decoder_layers; layer += 1) for (const kind of ["decoder", "encoder"]) for (const part of ["key", "value"]) past[`past_key_values.${layer}.${kind}.${part}`] = new ort.Tensor("float32", new Float32Array(0), [1, heads, 0, config.d_model / heads]);
  let ids = [config.decoder_start_token_id, 5, 9, 13];
  for (let step = 0; step < steps; step += 1) {
    const output = await session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
      encoder_hidden_states: hidden,
      use_cache_branch: new ort.Tensor("bool", [step > 0], [1]),
      ...past,
    });
    const logits = output.logits?.data;
    if (!(logits instanceof Float32Array)) throw new Error("no float32 logits");
    const last = logits.subarray(logits.length - config.vocab_size);
    for (const [name, tensor] of Object.entries(output)) {
      if (!name.startsWith("present.") || (name.includes(".encoder.") && step > 0)) continue;
      past[name.replace("present", "past_key_values")] = tensor;
    }
    onStep(step, output, last);
    let best = 0;
    for (let index = 1; index < last.length; index += 1) if ((last[index] ?? 0) > (last[best] ?? 0)) best = index;
    ids = [best];
  }
}

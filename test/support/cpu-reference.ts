/**
 * The CPU reference for browser tests that compare devices: the same fixture weights, run by
 * transformers.js in Node on onnxruntime-node (ONNX Runtime's CPU kernels, the ones its WASM build
 * compiles) through lib/transcription/whisper-window.ts, the function the app's worker calls.
 */
import { env, pipeline } from "@huggingface/transformers";
import { join } from "node:path";
import type { DtypePair } from "../../lib/model/catalog";
import { transcribeWindow } from "../../lib/transcription/whisper-window";

/** Where the committed fixture models live (`__dirname`: Playwright compiles this to CommonJS). */
const FIXTURE_MODELS = join(__dirname, "..", "fixtures", "models");

/** Text of one window of `audio` (16 kHz mono) from `model` with an encoder and decoder dtype, on the CPU. */
export async function cpuTranscript(model: string, dtype: DtypePair, audio: Float32Array, language = "en"): Promise<string> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${FIXTURE_MODELS}/`;
  const pipe = await pipeline("automatic-speech-recognition", model, { device: "cpu", dtype: { encoder_model: dtype.encoder, decoder_model_merged: dtype.decoder } });
  try {
    const output = await transcribeWindow(pipe, audio, { language, task: "transcribe", stopped: () => false, onText: () => undefined });
    return output.text;
  } finally {
    await pipe.dispose();
  }
}

/** Words in `a` and `b` that agree position by position, over the longer one's word count. */
export function wordAgreement(a: string, b: string): number {
  const left = a.trim().split(/\s+/);
  const right = b.trim().split(/\s+/);
  const same = left.filter((word, index) => right[index] === word).length;
  return same / Math.max(left.length, right.length, 1);
}

// The window run the worker and the benchmark share (lib/transcription/whisper-window.ts), on the random-weight
// fixture model in Node (onnxruntime-node): segments come back, a cancel ends decoding within a token
// (transformers.js 4.3 drops stopping criteria for Whisper, so this is the processor's job), and a
// decoding loop, forced here with a logits processor, is stopped early and cut to one copy.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  env,
  LogitsProcessor,
  LogitsProcessorList,
  pipeline,
  type AutomaticSpeechRecognitionPipeline,
  type Tensor,
} from "@huggingface/transformers";
import { MIN_LOOP_TOKENS } from "@/lib/transcription/repetition-guard";
import { endOfTextId, transcribeWindow, WindowControl } from "@/lib/transcription/whisper-window";
import { readWav } from "../../../support/wav";

const MODELS = fileURLToPath(new URL("../../../fixtures/models/", import.meta.url));
const SPEECH = fileURLToPath(new URL("../../../fixtures/audio/speech-8k.wav", import.meta.url));

/** After `free` generated tokens, makes `token` win every step: a loop that never ends by itself. */
class ForceLoop extends LogitsProcessor {
  steps = 0;
  constructor(
    private readonly promptLength: number,
    private readonly free: number,
    private readonly token: number,
  ) {
    super();
  }

  override _call(inputIds: bigint[][], logits: Tensor): Tensor {
    this.steps += 1;
    const generated = (inputIds[0]?.length ?? 0) - this.promptLength;
    if (generated >= this.free) {
      const data = logits.data as Float32Array;
      data[this.token] = (data[this.token] ?? 0) + 1000;
    }
    return logits;
  }
}

let pipe: AutomaticSpeechRecognitionPipeline;
let audio: Float32Array;

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = MODELS;
  pipe = await pipeline("automatic-speech-recognition", "whisper-tiny", { device: "cpu", dtype: { encoder_model: "q8", decoder_model_merged: "q8" } });
  // speech-8k.wav is 8 kHz; a 16 kHz buffer of any content will do for a random-weight model.
  const clip = readWav(SPEECH).samples;
  audio = new Float32Array(16_000 * 5);
  for (let index = 0; index < audio.length; index += 1) audio[index] = clip[Math.floor(index / 2) % clip.length] ?? 0;
}, 120_000);

afterAll(async () => {
  await pipe.dispose();
});

describe("transcribeWindow", () => {
  it("returns the text as segments within the window and streams it", async () => {
    const streamed: string[] = [];
    const output = await transcribeWindow(pipe, audio, { language: "en", task: "transcribe", stopped: () => false, onText: (text) => streamed.push(text) });
    expect(output.text).not.toBe("");
    expect(output.segments.length).toBeGreaterThan(0);
    for (const segment of output.segments) {
      expect(segment.start).toBeGreaterThanOrEqual(0);
      expect(segment.end).toBeLessThanOrEqual(5);
      expect(segment.end).toBeGreaterThanOrEqual(segment.start);
    }
    expect(streamed.at(-1)).toBe(output.text);
    expect(output.loopCut).toBe(false);
    if (output.resumeAt !== null) expect(output.resumeAt).toBeGreaterThanOrEqual(0);
    expect(output.resumeAt === null || output.resumeAt <= 5).toBe(true);
  });

  it("ends within a token of being cancelled and keeps the text so far", async () => {
    const full = await transcribeWindow(pipe, audio, { language: "en", task: "transcribe", stopped: () => false, onText: () => undefined });
    let pieces = 0;
    let cancelled = false;
    const output = await transcribeWindow(pipe, audio, {
      language: "en",
      task: "transcribe",
      stopped: () => cancelled,
      onText: () => {
        pieces += 1;
        if (pieces === 3) cancelled = true;
      },
    });
    expect(pieces).toBeLessThanOrEqual(4);
    expect(output.text).not.toBe("");
    expect(full.text.startsWith(output.text)).toBe(true);
    expect(output.text.length).toBeLessThan(full.text.length);
  });
});

describe("WindowControl in the real generation loop", () => {
  it("stops a loop soon after it starts and leaves one copy of the repeated token in the output", async () => {
    const eos = endOfTextId(pipe);
    expect(eos).toBe(556); // the fixture's <|endoftext|>
    const loopToken = 300;
    const prompt = 4; // start, language, task, no timestamps
    const free = 5;
    const force = new ForceLoop(prompt, free, loopToken);
    const processors = new LogitsProcessorList();
    processors.push(force);
    const control = new WindowControl(eos, prompt, () => false);
    processors.push(control);
    const output = await pipe(audio, { language: "en", task: "transcribe", max_new_tokens: 400, logits_processor: processors });
    expect(control.loopsCut).toBe(1);
    // Decoding ran a few steps past the threshold, not to the token limit.
    expect(force.steps).toBeLessThanOrEqual(free + MIN_LOOP_TOKENS + 2);
    const text = "text" in output && typeof output.text === "string" ? output.text : "";
    const piece = pipe.tokenizer.decode([loopToken], { skip_special_tokens: true });
    expect(piece.trim()).not.toBe("");
    expect(text.endsWith(piece.trimEnd())).toBe(true);
    expect(text.split(piece.trim()).length - 1).toBeLessThanOrEqual(2);
  });
});

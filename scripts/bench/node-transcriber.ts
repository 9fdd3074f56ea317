/**
 * The native reference: transformers.js in Node on onnxruntime-node (`device: "cpu"`), behind the
 * same `WindowTranscriber` interface the browser's worker client offers, so lib/long-transcription.ts
 * windows the audio exactly as the app does. Each window is run the way lib/transcriber.worker.ts
 * runs it: language given, timestamps on, a TextStreamer on the tokens, an interruptible stop.
 */
import { InterruptableStoppingCriteria, pipeline, TextStreamer, type AutomaticSpeechRecognitionPipeline } from "@huggingface/transformers";
import type { WindowTranscriber } from "../../lib/long-transcription";
import { SAMPLE_RATE } from "../../lib/audio-windows";
import type { Segment, WindowResult } from "../../lib/worker-protocol";

/** Whisper's timestamp tokens as the streamer decodes them, e.g. "<|1.24|>". */
const TIMESTAMP_TOKEN = /<\|\d+(?:\.\d+)?\|>/g;

/** Loads `model` (a folder under transformers.js' `env.localModelPath`) at q8 on the CPU. */
export async function loadNodePipeline(model: string): Promise<AutomaticSpeechRecognitionPipeline> {
  return pipeline("automatic-speech-recognition", model, { device: "cpu", dtype: { encoder_model: "q8", decoder_model_merged: "q8" } });
}

function toSegments(output: unknown, windowSeconds: number): Segment[] {
  if (typeof output !== "object" || output === null || !("text" in output) || typeof output.text !== "string") throw new Error("the model returned no text");
  const chunks = "chunks" in output && Array.isArray(output.chunks) ? output.chunks : [];
  const segments: Segment[] = [];
  for (const chunk of chunks) {
    if (typeof chunk !== "object" || chunk === null || !("text" in chunk) || typeof chunk.text !== "string") continue;
    const stamp = "timestamp" in chunk && Array.isArray(chunk.timestamp) ? chunk.timestamp : [];
    const start = typeof stamp[0] === "number" ? stamp[0] : 0;
    const end = typeof stamp[1] === "number" ? stamp[1] : windowSeconds;
    segments.push({ start: Math.min(start, windowSeconds), end: Math.min(Math.max(end, start), windowSeconds), text: chunk.text });
  }
  if (segments.length === 0 && output.text.trim() !== "") segments.push({ start: 0, end: windowSeconds, text: output.text });
  return segments;
}

/** A {@link WindowTranscriber} over a Node pipeline; also counts the text tokens it streamed. */
export class NodeWindowTranscriber implements WindowTranscriber {
  private next = 0;
  private readonly stops = new Map<string, InterruptableStoppingCriteria>();
  /** Pieces of text the streamer produced over all windows (about one per token). */
  streamedPieces = 0;

  constructor(private readonly pipe: AutomaticSpeechRecognitionPipeline) {}

  transcribe(audio: Float32Array, options: { readonly language: string | null; readonly task: "transcribe" | "translate" }, onProgress: (progress: { readonly stage: string; readonly partialText?: string }) => void) {
    const requestId = String((this.next += 1));
    const stop = new InterruptableStoppingCriteria();
    this.stops.set(requestId, stop);
    const started = performance.now();
    let streamed = "";
    const streamer = new TextStreamer(this.pipe.tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (piece: string) => {
        this.streamedPieces += 1;
        streamed += piece.replace(TIMESTAMP_TOKEN, "");
        onProgress({ stage: "text", partialText: streamed.trim() });
      },
    });
    const language = options.language ?? "en";
    const outcome = this.pipe(audio, { language, task: options.task, return_timestamps: true, stopping_criteria: stop, streamer }).then((output): { readonly kind: "done"; readonly result: WindowResult } => {
      this.stops.delete(requestId);
      const segments = toSegments(output, audio.length / SAMPLE_RATE);
      const text = segments
        .map((segment) => segment.text.trim())
        .join(" ")
        .trim();
      return { kind: "done", result: { text, segments, language, elapsedMs: Math.round(performance.now() - started) } };
    });
    return { requestId, outcome };
  }

  cancel(requestId: string): void {
    this.stops.get(requestId)?.interrupt();
  }
}

/**
 * The native reference: transformers.js in Node on onnxruntime-node (`device: "cpu"`), behind the
 * same `WindowTranscriber` interface the browser's worker client offers, so lib/transcription/long-transcription.ts
 * windows the audio exactly as the app does. Each window is run the way lib/transcription/transcriber.worker.ts
 * runs it: lib/transcription/whisper-window.ts's transcribeWindow, the same function the worker calls.
 */
import { pipeline, type AutomaticSpeechRecognitionPipeline } from "@huggingface/transformers";
import type { WindowTranscriber } from "../../lib/transcription/long-transcription";
import type { WindowResult } from "../../lib/transcription/worker-protocol";
import { transcribeWindow } from "../../lib/transcription/whisper-window";

/** Loads `model` (a folder under transformers.js' `env.localModelPath`) at q8 on the CPU. */
export async function loadNodePipeline(model: string): Promise<AutomaticSpeechRecognitionPipeline> {
  return pipeline("automatic-speech-recognition", model, { device: "cpu", dtype: { encoder_model: "q8", decoder_model_merged: "q8" } });
}

/** A {@link WindowTranscriber} over a Node pipeline; also counts the text tokens it streamed. */
export class NodeWindowTranscriber implements WindowTranscriber {
  private next = 0;
  private readonly cancelled = new Set<string>();
  /** Pieces of text the streamer produced over all windows (about one per token). */
  streamedPieces = 0;

  constructor(private readonly pipe: AutomaticSpeechRecognitionPipeline) {}

  transcribe(audio: Float32Array, options: { readonly language: string | null; readonly task: "transcribe" | "translate" }, onProgress: (progress: { readonly stage: string; readonly partialText?: string }) => void) {
    const requestId = String((this.next += 1));
    const started = performance.now();
    const language = options.language ?? "en";
    const outcome = transcribeWindow(this.pipe, audio, {
      language,
      task: options.task,
      stopped: () => this.cancelled.has(requestId),
      onText: (partialText) => {
        this.streamedPieces += 1;
        onProgress({ stage: "text", partialText });
      },
    }).then((output): { readonly kind: "done"; readonly result: WindowResult } => {
      this.cancelled.delete(requestId);
      return { kind: "done", result: { text: output.text, segments: output.segments, language, elapsedMs: Math.round(performance.now() - started), resumeAt: output.resumeAt } };
    });
    return { requestId, outcome };
  }

  cancel(requestId: string): void {
    this.cancelled.add(requestId);
  }
}

/**
 * How one window (≤ 30 s) of audio goes through a transformers.js Whisper pipeline: language and task
 * given, timestamps on, text streamed, cancellable between tokens, a guard against decoding loops,
 * one decoding pass. Shared by the browser's worker (lib/transcription/transcriber.worker.ts) and the benchmark's
 * native reference (scripts/bench/node-transcriber.ts), so both run a window the same way.
 */
import { LogitsProcessor, LogitsProcessorList, Tensor, TextStreamer, WhisperFeatureExtractor, WhisperTimeStampLogitsProcessor, type AutomaticSpeechRecognitionPipeline } from "@huggingface/transformers";
import { AppError } from "../errors";
import { findLoopInSequence } from "./repetition-guard";
import { resumePoint } from "./windows";
import type { Segment } from "../transcript/types";
import { SAMPLE_RATE } from "../audio/sample-rate";
import { useTimestampRule } from "./timestamp-rule";
import { useLogMel } from "../audio/log-mel";

// The two pieces of JavaScript every window runs while ONNX Runtime's threads wait: the features,
// once per window, and the timestamp rule, once per token (lib/audio/log-mel.ts, ./timestamp-rule.ts).
useLogMel(WhisperFeatureExtractor, (data, dims) => new Tensor("float32", data, dims));
useTimestampRule(WhisperTimeStampLogitsProcessor);

/** Whisper's timestamp tokens as the streamer decodes them, e.g. "<|1.24|>". */
const TIMESTAMP_TOKEN = /<\|\d+(?:\.\d+)?\|>/g;

/** Whisper's decoder holds at most this many positions, prompt included. */
const MAX_TARGET_POSITIONS = 448;
/** The prompt with timestamps on: start of transcript, language, task. */
const PROMPT_TOKENS = 3;

/**
 * Ends decoding from inside the generation loop: when the run is cancelled, or when greedy decoding
 * has fallen into a loop ("天天天…" to the token limit; see lib/transcription/repetition-guard.ts), in which case
 * the sequence is first cut to one copy of the repeated unit. It ends decoding by forcing
 * end-of-text as the next token.
 *
 * A logits processor rather than a stopping criterion because transformers.js 4.3's
 * `WhisperForConditionalGeneration.generate` takes `stopping_criteria` out of its arguments and
 * passes it on to neither of its decoding paths, so a stopping criterion never runs for Whisper;
 * logits processors do reach the loop. The processor gets the very arrays the output is built from,
 * so shortening one shortens the transcript.
 */
export class WindowControl extends LogitsProcessor {
  /** How many sequences were cut because they looped. */
  loopsCut = 0;
  /** The first sequence of the batch: the array the output is built from, complete once decoding ends. */
  sequence: readonly bigint[] = [];

  constructor(
    /** Whisper's end-of-text token; text tokens are below it, timestamps and other specials above. */
    private readonly eosId: number,
    private readonly promptLength: number,
    private readonly stopped: () => boolean,
  ) {
    super();
  }

  override _call(inputIds: bigint[][], logits: Tensor): Tensor {
    this.sequence = inputIds[0] ?? [];
    inputIds.forEach((ids, batch) => {
      // Wait for one generated token: on the first step Whisper's timestamp rule allows only a timestamp.
      if (ids.length <= this.promptLength) return;
      let end = this.stopped();
      if (!end) {
        const loop = findLoopInSequence(ids, this.eosId, this.promptLength);
        if (loop !== null) {
          ids.length = loop.cut;
          this.loopsCut += 1;
          end = true;
        }
      }
      if (!end) return;
      // logits are [batch, vocabulary] float32 (transformers.js converts them before the processors).
      const vocabulary = logits.dims.at(-1) ?? 0;
      if (!(logits.data instanceof Float32Array) || vocabulary <= this.eosId) return;
      const row = logits.data.subarray(batch * vocabulary, (batch + 1) * vocabulary);
      row.fill(Number.NEGATIVE_INFINITY);
      row[this.eosId] = 0;
    });
    return logits;
  }
}

/** Whisper's end-of-text token, from the model's generation config. */
export function endOfTextId(pipe: AutomaticSpeechRecognitionPipeline): number {
  const eos = pipe.model.generation_config?.eos_token_id;
  const id = Array.isArray(eos) ? eos[0] : eos;
  if (typeof id !== "number") throw new AppError("bad-model", "the model's generation config names no end-of-text token");
  return id;
}

/** Turns the pipeline's output for one window into segments with window-relative times. */
export function toSegments(output: unknown, windowSeconds: number): Segment[] {
  if (typeof output !== "object" || output === null || !("text" in output) || typeof output.text !== "string") {
    throw new AppError("bad-output", "the model returned no text");
  }
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

export interface WindowRun {
  readonly language: string;
  readonly task: "transcribe" | "translate";
  /** Polled after every token: true ends the run early (cancel); the text so far is returned. */
  readonly stopped: () => boolean;
  /** The text so far, timestamps removed, after every decoded token. */
  readonly onText: (text: string) => void;
}

/** What one window produced. */
export interface WindowOutput {
  readonly segments: Segment[];
  readonly text: string;
  /** True when the decoder fell into a loop and the repeats were cut. */
  readonly loopCut: boolean;
  /** Where the next window should start (lib/transcription/windows.ts `resumePoint`); null: at this one's end. */
  readonly resumeAt: number | null;
}

/**
 * Transcribes one window. A single decoding pass: `max_new_tokens` keeps transformers.js from
 * seeking inside the window (its `_generate_with_seek` decodes the tail after the last complete
 * segment a second time), because long-transcription.ts already starts the next window there.
 */
export async function transcribeWindow(pipe: AutomaticSpeechRecognitionPipeline, audio: Float32Array, run: WindowRun): Promise<WindowOutput> {
  let streamed = "";
  const streamer = new TextStreamer(pipe.tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (piece: string) => {
      streamed += piece.replace(TIMESTAMP_TOKEN, "");
      run.onText(streamed.trim());
    },
  });
  const eos = endOfTextId(pipe);
  const control = new WindowControl(eos, PROMPT_TOKENS, run.stopped);
  const processors = new LogitsProcessorList();
  processors.push(control);
  const output = await pipe(audio, {
    language: run.language,
    task: run.task,
    return_timestamps: true,
    max_new_tokens: MAX_TARGET_POSITIONS - PROMPT_TOKENS,
    logits_processor: processors,
    streamer,
  });
  const segments = toSegments(output, audio.length / SAMPLE_RATE);
  const text = segments
    .map((segment) => segment.text.trim())
    .join(" ")
    .trim();
  const config: unknown = pipe.model.generation_config;
  const noTimestamps = typeof config === "object" && config !== null && "no_timestamps_token_id" in config ? config.no_timestamps_token_id : undefined;
  const generated = control.sequence.slice(PROMPT_TOKENS).map(Number);
  const resumeAt = typeof noTimestamps === "number" ? resumePoint(generated, noTimestamps + 1, eos) : null;
  return { segments, text, loopCut: control.loopsCut > 0, resumeAt };
}

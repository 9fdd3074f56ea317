/**
 * Spoken-language detection for multilingual Whisper. transformers.js 4.3 does not detect the
 * language itself (with no language it warns and assumes English), so we run one decoder step after
 * `<|startoftranscript|>` and pick the language token with the highest logit, as OpenAI's
 * `detect_language` does. Runs in the worker only.
 */
import { Tensor, type AutomaticSpeechRecognitionPipeline } from "@huggingface/transformers";

/** Reads `lang_to_id` ({"<|en|>": 50259, …}) from a generation config of unknown shape. */
export function languageTokenIds(generationConfig: unknown): Map<string, number> {
  const result = new Map<string, number>();
  if (typeof generationConfig !== "object" || generationConfig === null || !("lang_to_id" in generationConfig)) return result;
  const table: unknown = generationConfig.lang_to_id;
  if (typeof table !== "object" || table === null) return result;
  for (const [token, id] of Object.entries(table)) {
    const match = /^<\|([a-z]{2,3}|haw|yue)\|>$/.exec(token);
    if (match?.[1] !== undefined && typeof id === "number") result.set(match[1], id);
  }
  return result;
}

/** Picks the language whose token scores highest in `logits` (the last decoder position). */
export function pickLanguage(logits: ArrayLike<number>, languages: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const [code, id] of languages) {
    const score = logits[id];
    if (score !== undefined && score > bestScore) {
      best = code;
      bestScore = score;
    }
  }
  return best;
}

function startToken(generationConfig: unknown): number | null {
  if (typeof generationConfig !== "object" || generationConfig === null) return null;
  const value = "decoder_start_token_id" in generationConfig ? generationConfig.decoder_start_token_id : undefined;
  return typeof value === "number" ? value : null;
}

/**
 * Detects the spoken language of up to 30 s of 16 kHz mono audio. Returns an ISO code ("en"),
 * or "en" when the model is English-only or carries no language table.
 */
export async function detectLanguage(pipe: AutomaticSpeechRecognitionPipeline, audio: Float32Array): Promise<string> {
  const config = pipe.model.generation_config;
  const languages = languageTokenIds(config);
  const start = startToken(config);
  if (languages.size === 0 || start === null) return "en";
  const features: unknown = await pipe.processor(audio);
  if (typeof features !== "object" || features === null || !("input_features" in features)) return "en";
  const decoderInput = new Tensor("int64", BigInt64Array.from([BigInt(start)]), [1, 1]);
  const output: unknown = await pipe.model({ input_features: features.input_features, decoder_input_ids: decoderInput });
  if (typeof output !== "object" || output === null || !("logits" in output) || !(output.logits instanceof Tensor)) return "en";
  const logits = output.logits;
  const vocab = logits.dims.at(-1) ?? 0;
  const data = logits.data;
  if (!(data instanceof Float32Array) || vocab === 0) return "en";
  const last = data.subarray(data.length - vocab);
  return pickLanguage(last, languages) ?? "en";
}

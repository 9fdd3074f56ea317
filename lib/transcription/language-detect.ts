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

/** A detected language and how sure the model is: its softmax probability among the language tokens only. */
export interface LanguageGuess {
  readonly language: string;
  /** In [0, 1]; 1 when the model has a single language (English-only) or no language table. */
  readonly probability: number;
}

/**
 * The language tokens' probabilities (softmax over their logits only, as OpenAI's `detect_language`
 * computes them), most likely first. Empty with no languages.
 */
export function languageProbabilities(logits: ArrayLike<number>, languages: ReadonlyMap<string, number>): LanguageGuess[] {
  const scores: Array<[string, number]> = [];
  for (const [code, id] of languages) {
    const score = logits[id];
    if (score !== undefined && Number.isFinite(score)) scores.push([code, score]);
  }
  const max = Math.max(...scores.map(([, score]) => score));
  const weights = scores.map(([code, score]): [string, number] => [code, Math.exp(score - max)]);
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  return weights.map(([language, weight]) => ({ language, probability: weight / total })).sort((a, b) => b.probability - a.probability);
}

function startToken(generationConfig: unknown): number | null {
  if (typeof generationConfig !== "object" || generationConfig === null) return null;
  const value = "decoder_start_token_id" in generationConfig ? generationConfig.decoder_start_token_id : undefined;
  return typeof value === "number" ? value : null;
}

/**
 * Detects the spoken language of up to 30 s of 16 kHz mono audio with the model's confidence
 * ({@link languageProbabilities}). English with probability 1 when the model is English-only or
 * carries no language table.
 */
export async function detectLanguageWithConfidence(pipe: AutomaticSpeechRecognitionPipeline, audio: Float32Array): Promise<LanguageGuess> {
  return (await detectLanguageGuesses(pipe, audio))[0] ?? { language: "en", probability: 1 };
}

/** Every language's probability for up to 30 s of audio, most likely first ({@link detectLanguageWithConfidence} takes the first). */
export async function detectLanguageGuesses(pipe: AutomaticSpeechRecognitionPipeline, audio: Float32Array): Promise<LanguageGuess[]> {
  const sure: LanguageGuess[] = [{ language: "en", probability: 1 }];
  const config = pipe.model.generation_config;
  const languages = languageTokenIds(config);
  const start = startToken(config);
  if (languages.size === 0 || start === null) return sure;
  const features: unknown = await pipe.processor(audio);
  if (typeof features !== "object" || features === null || !("input_features" in features)) return sure;
  const decoderInput = new Tensor("int64", BigInt64Array.from([BigInt(start)]), [1, 1]);
  const output: unknown = await pipe.model({ input_features: features.input_features, decoder_input_ids: decoderInput });
  if (typeof output !== "object" || output === null || !("logits" in output) || !(output.logits instanceof Tensor)) return sure;
  const logits = output.logits;
  const vocab = logits.dims.at(-1) ?? 0;
  const data = logits.data;
  if (!(data instanceof Float32Array) || vocab === 0) return sure;
  const guesses = languageProbabilities(data.subarray(data.length - vocab), languages);
  return guesses.length > 0 ? guesses : sure;
}

/**
 * Detects the spoken language of up to 30 s of 16 kHz mono audio. Returns an ISO code ("en"),
 * or "en" when the model is English-only or carries no language table.
 */
export async function detectLanguage(pipe: AutomaticSpeechRecognitionPipeline, audio: Float32Array): Promise<string> {
  return (await detectLanguageWithConfidence(pipe, audio)).language;
}

/**
 * How far the samples the browser fed the model are from the reference's (ffmpeg's) decode of the
 * same file: different resamplers give slightly different 16 kHz audio, which alone can change a
 * greedy decode.
 */

/** The difference between two decodes of one file. */
export interface SampleDifference {
  readonly browserSamples: number;
  readonly referenceSamples: number;
  /** Shift (in samples, −64…64) that best lines the browser's decode up with the reference's. */
  readonly lag: number;
  /** Signal-to-difference ratio in dB at that lag (Infinity when identical). */
  readonly snrDb: number;
  /** Largest absolute sample difference at that lag. */
  readonly maxAbsDiff: number;
}

function energy(a: Float32Array, b: Float32Array, lag: number): { signal: number; noise: number; max: number } {
  let signal = 0;
  let noise = 0;
  let max = 0;
  const start = Math.max(0, -lag);
  const end = Math.min(b.length, a.length - lag);
  for (let i = start; i < end; i += 1) {
    const ref = b[i] ?? 0;
    const diff = (a[i + lag] ?? 0) - ref;
    signal += ref * ref;
    noise += diff * diff;
    if (Math.abs(diff) > max) max = Math.abs(diff);
  }
  return { signal, noise, max };
}

/** Compares the browser's decode `browser` with the reference's decode `reference`. */
export function compareSamples(browser: Float32Array, reference: Float32Array, maxLag = 64): SampleDifference {
  let best = { lag: 0, ...energy(browser, reference, 0) };
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    if (lag === 0) continue;
    const candidate = energy(browser, reference, lag);
    if (candidate.noise < best.noise) best = { lag, ...candidate };
  }
  const snrDb = best.noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(best.signal / best.noise);
  return { browserSamples: browser.length, referenceSamples: reference.length, lag: best.lag, snrDb, maxAbsDiff: best.max };
}

/** How far apart the two decodes are as the model sees them: Whisper's log-mel input features. */
export interface FeatureDifference {
  /** Frames compared (10 ms each; the first 30 s at most). */
  readonly frames: number;
  /** Mean and largest absolute difference of the normalised log-mel values (which span about 2). */
  readonly meanAbs: number;
  readonly maxAbs: number;
}

type Extract = (audio: Float32Array) => Promise<{ readonly input_features: { readonly data: unknown; readonly dims: readonly number[] } }>;

/**
 * Loads transformers.js' WhisperFeatureExtractor (the code the app's worker runs) with the model's
 * preprocessor_config.json, for {@link featureDifference}.
 */
export async function loadFeatureExtractor(preprocessorConfig: Record<string, unknown>): Promise<Extract> {
  const { WhisperFeatureExtractor } = await import("@huggingface/transformers");
  const extractor = new WhisperFeatureExtractor(preprocessorConfig);
  return (audio) => extractor._call(audio);
}

/** Compares the log-mel features of two decodes of one file, over the frames both cover. */
export async function featureDifference(extract: Extract, browser: Float32Array, reference: Float32Array): Promise<FeatureDifference> {
  const window = 30 * 16_000;
  const [a, b] = await Promise.all([extract(browser.subarray(0, window)), extract(reference.subarray(0, window))]);
  const da = a.input_features.data;
  const db = b.input_features.data;
  if (!(da instanceof Float32Array) || !(db instanceof Float32Array)) throw new Error("unexpected feature tensor type");
  const [, bins = 80, total = 3000] = a.input_features.dims;
  const frames = Math.min(total, Math.floor(Math.min(browser.length, reference.length) / 160));
  let sum = 0;
  let max = 0;
  for (let bin = 0; bin < bins; bin += 1) {
    for (let frame = 0; frame < frames; frame += 1) {
      const diff = Math.abs((da[bin * total + frame] ?? 0) - (db[bin * total + frame] ?? 0));
      sum += diff;
      if (diff > max) max = diff;
    }
  }
  return { frames, meanAbs: frames === 0 ? 0 : sum / (frames * bins), maxAbs: max };
}

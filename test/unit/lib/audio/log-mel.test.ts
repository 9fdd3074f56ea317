// lib/audio/log-mel.ts against what it stands in for: transformers.js' own WhisperFeatureExtractor
// (80 and 128 mel filters, speech and synthetic audio, full and short windows), and its FFT against
// a plain DFT for sizes that use each butterfly.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Tensor, WhisperFeatureExtractor } from "@huggingface/transformers";
import { ComplexFft, useLogMel } from "@/lib/audio/log-mel";
import { resample } from "@/lib/audio/format";
import { readWav } from "../../../support/wav";

const PREPROCESSOR = fileURLToPath(new URL("../../../fixtures/models/whisper-tiny/preprocessor_config.json", import.meta.url));
const SPEECH = fileURLToPath(new URL("../../../fixtures/audio/speech-8k.wav", import.meta.url));
const N_SAMPLES = 480_000;

const installed = useLogMel(WhisperFeatureExtractor, (data, dims) => new Tensor("float32", data, dims));
if (installed === null) throw new Error("transformers.js has no WhisperFeatureExtractor._extract_fbank_features");
const original = installed;

function extractor(featureSize?: number): WhisperFeatureExtractor {
  const config: Record<string, unknown> = JSON.parse(readFileSync(PREPROCESSOR, "utf8"));
  // Without mel_filters in the config the extractor makes its own (as for large-v3's 128 filters).
  if (featureSize !== undefined) {
    config.feature_size = featureSize;
    delete config.mel_filters;
  }
  return new WhisperFeatureExtractor(config);
}

/** `samples` zero-padded (or cut) to Whisper's 30 s, as the extractor's `_call` does. */
function window30(samples: Float32Array): Float32Array {
  const out = new Float32Array(N_SAMPLES);
  out.set(samples.subarray(0, N_SAMPLES));
  return out;
}

function tensorData(value: unknown): { data: Float32Array; dims: readonly number[] } {
  if (!(value instanceof Tensor) || !(value.data instanceof Float32Array)) throw new Error("not a float32 Tensor");
  return { data: value.data, dims: value.dims };
}

async function compare(fx: WhisperFeatureExtractor, waveform: Float32Array): Promise<{ maxDifference: number; dims: readonly number[] }> {
  const theirs = tensorData(await original(fx, waveform));
  const ours = tensorData(await (fx as unknown as { _extract_fbank_features(w: Float32Array): Promise<unknown> })._extract_fbank_features(waveform));
  expect(ours.dims).toEqual(theirs.dims);
  let maxDifference = 0;
  for (let i = 0; i < theirs.data.length; i += 1) maxDifference = Math.max(maxDifference, Math.abs((theirs.data[i] ?? 0) - (ours.data[i] ?? 0)));
  return { maxDifference, dims: ours.dims };
}

describe("log-mel features", () => {
  const speech = (() => {
    const clip = readWav(SPEECH);
    return resample(clip.samples, clip.sampleRate, 16_000);
  })();

  it("match transformers.js' on speech padded to 30 s, to float32 rounding", async () => {
    const result = await compare(extractor(), window30(speech));
    expect(result.dims).toEqual([80, 3000]);
    expect(result.maxDifference).toBeLessThan(1e-6);
  });

  it("match on loud synthetic audio filling the whole window, and with 128 mel filters", async () => {
    let seed = 9;
    const noise = (): number => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32) - 0.5;
    const tone = Float32Array.from({ length: N_SAMPLES }, (_, i) => 0.8 * Math.sin(i * 0.031) * Math.sin(i * 0.0004) + 0.05 * noise());
    expect((await compare(extractor(), tone)).maxDifference).toBeLessThan(1e-6);
    const wide = await compare(extractor(128), window30(speech));
    expect(wide.dims).toEqual([128, 3000]);
    expect(wide.maxDifference).toBeLessThan(1e-6);
  });

  it("match on a waveform shorter than a window (fewer frames), and leave tiny ones to the original", async () => {
    const short = speech.subarray(0, 16_000 * 3);
    const result = await compare(extractor(), short);
    expect(result.dims).toEqual([80, 300]);
    expect(result.maxDifference).toBeLessThan(1e-6);
    // Too short to reflect at the edges: the original code runs (and says what it says).
    const fx = extractor();
    const tiny = new Float32Array(100);
    const theirs = await original(fx, tiny).then(tensorData, (error: unknown) => error);
    const ours = await (fx as unknown as { _extract_fbank_features(w: Float32Array): Promise<unknown> })._extract_fbank_features(tiny).then(tensorData, (error: unknown) => error);
    expect(ours).toEqual(theirs);
  });
});

describe("ComplexFft", () => {
  it.each([200, 8, 10, 21, 50, 98])("is the DFT for n = %i (radix 4, 2, 5 and generic butterflies)", (n) => {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) + (i % 3));
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.3) - (i % 2));
    const outRe = new Float64Array(n);
    const outIm = new Float64Array(n);
    new ComplexFft(n).transform(re, im, outRe, outIm);
    let worst = 0;
    for (let k = 0; k < n; k += 1) {
      let sumRe = 0;
      let sumIm = 0;
      for (let j = 0; j < n; j += 1) {
        const phase = (-2 * Math.PI * j * k) / n;
        sumRe += (re[j] ?? 0) * Math.cos(phase) - (im[j] ?? 0) * Math.sin(phase);
        sumIm += (re[j] ?? 0) * Math.sin(phase) + (im[j] ?? 0) * Math.cos(phase);
      }
      worst = Math.max(worst, Math.abs(sumRe - (outRe[k] ?? 0)), Math.abs(sumIm - (outIm[k] ?? 0)));
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

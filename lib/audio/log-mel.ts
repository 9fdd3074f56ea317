/**
 * Whisper's log-mel spectrogram, as transformers.js 4.3's `WhisperFeatureExtractor` computes it
 * (periodic Hann window of `n_fft`, hop `hop_length`, centred frames with reflected edges, power
 * spectrum, the extractor's own mel filters, log10, floor at the maximum − 8, (x + 4) / 4), in
 * about a tenth of its time.
 *
 * transformers.js runs a 400-point FFT per 10 ms frame through Bluestein's algorithm (two
 * 1024-point transforms, as 400 is not a power of two), stores each frame's 201 powers with a
 * 3000-float stride, and multiplies by the dense 80 × 201 filter matrix: ~0.3 s of JavaScript per
 * 30 s window (measured in Node on 2 cores), during which ONNX Runtime's threads wait. Here each
 * frame is one 200-point complex FFT (mixed radix, the real input packed in pairs), and the mel
 * product touches only the filters' non-zero weights (each frequency bin lies in at most two
 * filters). The arithmetic is float64 like theirs; powers and weights are rounded to float32 where
 * theirs are, so the features agree to float32 rounding (test/unit/lib/audio/log-mel.test.ts
 * compares the two).
 */

/** What one extractor needs, from its config: sizes, the window and the mel filters. */
export interface LogMelSetup {
  /** FFT length and frame length (400 for Whisper). Must be even. */
  readonly nFft: number;
  /** Samples between frames (160). */
  readonly hop: number;
  /** The analysis window, `nFft` values (transformers.js' periodic Hann). */
  readonly window: ArrayLike<number>;
  /** `mel` rows of `nFft / 2 + 1` weights each (the extractor's `config.mel_filters`). */
  readonly melFilters: readonly (ArrayLike<number>)[];
}

/**
 * A complex FFT plan of size n: kissfft's mixed-radix decimation in time (radix 4, 2, 3, 5, then
 * any odd factor), unrolled into a permutation and one pass per factor, with kissfft's radix-2,
 * radix-4 and radix-5 butterflies and its generic one for other factors.
 */
export class ComplexFft {
  private readonly factors: number[] = [];
  private readonly order: Int32Array;
  private readonly twiddleRe: Float64Array;
  private readonly twiddleIm: Float64Array;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;

  constructor(readonly n: number) {
    let rest = n;
    for (const radix of [4, 2, 3, 5]) {
      while (rest % radix === 0) {
        this.factors.push(radix);
        rest /= radix;
      }
    }
    for (let p = 7; rest > 1; p += 2) {
      while (rest % p === 0) {
        this.factors.push(p);
        rest /= p;
      }
    }
    this.twiddleRe = new Float64Array(n);
    this.twiddleIm = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const phase = (-2 * Math.PI * i) / n;
      this.twiddleRe[i] = Math.cos(phase);
      this.twiddleIm[i] = Math.sin(phase);
    }
    // Where each input lands before the first pass: the recursion's leaves, in its order.
    this.order = new Int32Array(n);
    const place = (out: number, input: number, stride: number, level: number): void => {
      const p = this.factors[level] ?? 1;
      const m = n / (stride * p);
      for (let q = 0; q < p; q += 1) {
        if (m === 1) this.order[out + q] = input + q * stride;
        else place(out + q * m, input + q * stride, stride * p, level + 1);
      }
    };
    place(0, 0, 1, 0);
    const largest = Math.max(1, ...this.factors);
    this.scratchRe = new Float64Array(largest);
    this.scratchIm = new Float64Array(largest);
  }

  /** (outRe, outIm) = DFT of the n complex values (inRe, inIm). */
  transform(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const { n, order, factors } = this;
    for (let i = 0; i < n; i += 1) {
      const from = order[i] ?? 0;
      outRe[i] = inRe[from] ?? 0;
      outIm[i] = inIm[from] ?? 0;
    }
    let stride = n;
    for (let level = factors.length - 1; level >= 0; level -= 1) {
      const p = factors[level] ?? 1;
      stride /= p;
      const m = n / (stride * p);
      for (let base = 0; base < n; base += p * m) {
        if (p === 2) this.radix2(outRe, outIm, base, m, stride);
        else if (p === 4) this.radix4(outRe, outIm, base, m, stride);
        else if (p === 5) this.radix5(outRe, outIm, base, m, stride);
        else this.generic(outRe, outIm, base, m, stride, p);
      }
    }
  }

  private radix2(re: Float64Array, im: Float64Array, base: number, m: number, stride: number): void {
    const { twiddleRe: wr, twiddleIm: wi } = this;
    for (let u = 0; u < m; u += 1) {
      const a = base + u;
      const b = a + m;
      const w = u * stride;
      const tr = (re[b] ?? 0) * (wr[w] ?? 0) - (im[b] ?? 0) * (wi[w] ?? 0);
      const ti = (re[b] ?? 0) * (wi[w] ?? 0) + (im[b] ?? 0) * (wr[w] ?? 0);
      re[b] = (re[a] ?? 0) - tr;
      im[b] = (im[a] ?? 0) - ti;
      re[a] = (re[a] ?? 0) + tr;
      im[a] = (im[a] ?? 0) + ti;
    }
  }

  private radix4(re: Float64Array, im: Float64Array, base: number, m: number, stride: number): void {
    const { twiddleRe: wr, twiddleIm: wi } = this;
    for (let u = 0; u < m; u += 1) {
      const i0 = base + u;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const w1 = u * stride;
      const w2 = 2 * w1;
      const w3 = 3 * w1;
      const s0r = (re[i1] ?? 0) * (wr[w1] ?? 0) - (im[i1] ?? 0) * (wi[w1] ?? 0);
      const s0i = (re[i1] ?? 0) * (wi[w1] ?? 0) + (im[i1] ?? 0) * (wr[w1] ?? 0);
      const s1r = (re[i2] ?? 0) * (wr[w2] ?? 0) - (im[i2] ?? 0) * (wi[w2] ?? 0);
      const s1i = (re[i2] ?? 0) * (wi[w2] ?? 0) + (im[i2] ?? 0) * (wr[w2] ?? 0);
      const s2r = (re[i3] ?? 0) * (wr[w3] ?? 0) - (im[i3] ?? 0) * (wi[w3] ?? 0);
      const s2i = (re[i3] ?? 0) * (wi[w3] ?? 0) + (im[i3] ?? 0) * (wr[w3] ?? 0);
      const f0r = re[i0] ?? 0;
      const f0i = im[i0] ?? 0;
      const s5r = f0r - s1r;
      const s5i = f0i - s1i;
      const g0r = f0r + s1r;
      const g0i = f0i + s1i;
      const s3r = s0r + s2r;
      const s3i = s0i + s2i;
      const s4r = s0r - s2r;
      const s4i = s0i - s2i;
      re[i2] = g0r - s3r;
      im[i2] = g0i - s3i;
      re[i0] = g0r + s3r;
      im[i0] = g0i + s3i;
      re[i1] = s5r + s4i;
      im[i1] = s5i - s4r;
      re[i3] = s5r - s4i;
      im[i3] = s5i + s4r;
    }
  }

  private radix5(re: Float64Array, im: Float64Array, base: number, m: number, stride: number): void {
    const { twiddleRe: wr, twiddleIm: wi } = this;
    const yar = wr[stride * m] ?? 0;
    const yai = wi[stride * m] ?? 0;
    const ybr = wr[2 * stride * m] ?? 0;
    const ybi = wi[2 * stride * m] ?? 0;
    for (let u = 0; u < m; u += 1) {
      const i0 = base + u;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const i4 = i3 + m;
      const w1 = u * stride;
      const s0r = re[i0] ?? 0;
      const s0i = im[i0] ?? 0;
      const s1r = (re[i1] ?? 0) * (wr[w1] ?? 0) - (im[i1] ?? 0) * (wi[w1] ?? 0);
      const s1i = (re[i1] ?? 0) * (wi[w1] ?? 0) + (im[i1] ?? 0) * (wr[w1] ?? 0);
      const s2r = (re[i2] ?? 0) * (wr[2 * w1] ?? 0) - (im[i2] ?? 0) * (wi[2 * w1] ?? 0);
      const s2i = (re[i2] ?? 0) * (wi[2 * w1] ?? 0) + (im[i2] ?? 0) * (wr[2 * w1] ?? 0);
      const s3r = (re[i3] ?? 0) * (wr[3 * w1] ?? 0) - (im[i3] ?? 0) * (wi[3 * w1] ?? 0);
      const s3i = (re[i3] ?? 0) * (wi[3 * w1] ?? 0) + (im[i3] ?? 0) * (wr[3 * w1] ?? 0);
      const s4r = (re[i4] ?? 0) * (wr[4 * w1] ?? 0) - (im[i4] ?? 0) * (wi[4 * w1] ?? 0);
      const s4i = (re[i4] ?? 0) * (wi[4 * w1] ?? 0) + (im[i4] ?? 0) * (wr[4 * w1] ?? 0);
      const s7r = s1r + s4r;
      const s7i = s1i + s4i;
      const s10r = s1r - s4r;
      const s10i = s1i - s4i;
      const s8r = s2r + s3r;
      const s8i = s2i + s3i;
      const s9r = s2r - s3r;
      const s9i = s2i - s3i;
      re[i0] = s0r + s7r + s8r;
      im[i0] = s0i + s7i + s8i;
      const s5r = s0r + s7r * yar + s8r * ybr;
      const s5i = s0i + s7i * yar + s8i * ybr;
      const s6r = s10i * yai + s9i * ybi;
      const s6i = -(s10r * yai + s9r * ybi);
      re[i1] = s5r - s6r;
      im[i1] = s5i - s6i;
      re[i4] = s5r + s6r;
      im[i4] = s5i + s6i;
      const s11r = s0r + s7r * ybr + s8r * yar;
      const s11i = s0i + s7i * ybr + s8i * yar;
      const s12r = -s10i * ybi + s9i * yai;
      const s12i = s10r * ybi - s9r * yai;
      re[i2] = s11r + s12r;
      im[i2] = s11i + s12i;
      re[i3] = s11r - s12r;
      im[i3] = s11i - s12i;
    }
  }

  private generic(re: Float64Array, im: Float64Array, base: number, m: number, stride: number, p: number): void {
    const { twiddleRe, twiddleIm, scratchRe, scratchIm, n } = this;
    for (let u = 0; u < m; u += 1) {
      for (let q = 0, k = base + u; q < p; q += 1, k += m) {
        scratchRe[q] = re[k] ?? 0;
        scratchIm[q] = im[k] ?? 0;
      }
      for (let s = 0, k = u; s < p; s += 1, k += m) {
        let sumRe = scratchRe[0] ?? 0;
        let sumIm = scratchIm[0] ?? 0;
        let index = 0;
        for (let q = 1; q < p; q += 1) {
          index += stride * k;
          if (index >= n) index %= n;
          const wr = twiddleRe[index] ?? 0;
          const wi = twiddleIm[index] ?? 0;
          const xr = scratchRe[q] ?? 0;
          const xi = scratchIm[q] ?? 0;
          sumRe += xr * wr - xi * wi;
          sumIm += xr * wi + xi * wr;
        }
        re[base + k] = sumRe;
        im[base + k] = sumIm;
      }
    }
  }
}

/** One filter's non-zero weights: bins `first` … `first + weights.length - 1`. */
interface SparseFilter {
  readonly first: number;
  readonly weights: Float64Array;
}

/** Computes log-mel spectrograms for one {@link LogMelSetup}; reuse it across windows. */
export class LogMel {
  private readonly half: ComplexFft;
  private readonly bins: number;
  private readonly window: Float64Array;
  private readonly filters: readonly SparseFilter[];
  private readonly splitRe: Float64Array;
  private readonly splitIm: Float64Array;
  private readonly packedRe: Float64Array;
  private readonly packedIm: Float64Array;
  private readonly spectrumRe: Float64Array;
  private readonly spectrumIm: Float64Array;
  private readonly power: Float64Array;

  constructor(readonly setup: LogMelSetup) {
    const { nFft } = setup;
    if (nFft % 2 !== 0 || nFft < 4 || setup.window.length !== nFft) throw new RangeError(`log-mel needs an even FFT length with a window as long (n_fft ${nFft}, window ${setup.window.length})`);
    this.bins = nFft / 2 + 1;
    this.half = new ComplexFft(nFft / 2);
    this.window = Float64Array.from(setup.window);
    this.filters = setup.melFilters.map((row) => {
      if (row.length !== this.bins) throw new RangeError(`mel filters need ${this.bins} weights per filter, got ${row.length}`);
      let first = 0;
      while (first < row.length && (row[first] ?? 0) === 0) first += 1;
      let last = row.length - 1;
      while (last > first && (row[last] ?? 0) === 0) last -= 1;
      // Weights as float32, as transformers.js hands them to its matrix product.
      return { first, weights: Float64Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => Math.fround(row[first + i] ?? 0)) };
    });
    const half = nFft / 2;
    this.packedRe = new Float64Array(half);
    this.packedIm = new Float64Array(half);
    this.spectrumRe = new Float64Array(half);
    this.spectrumIm = new Float64Array(half);
    this.splitRe = Float64Array.from({ length: this.bins }, (_, k) => Math.cos((-2 * Math.PI * k) / nFft));
    this.splitIm = Float64Array.from({ length: this.bins }, (_, k) => Math.sin((-2 * Math.PI * k) / nFft));
    this.power = new Float64Array(this.bins);
  }

  /**
   * The log-mel features of `waveform`: `frames` columns (at most `maxFrames`) for each mel filter,
   * row after row (`[mels, frames]`, the layout of Whisper's `input_features`).
   */
  compute(waveform: Float32Array, maxFrames: number): { readonly data: Float32Array; readonly mels: number; readonly frames: number } {
    const { nFft, hop } = this.setup;
    const pad = nFft / 2;
    if (waveform.length <= pad) throw new RangeError(`log-mel needs more than ${pad} samples to reflect at the edges, got ${waveform.length}`);
    const padded = reflectPad(waveform, pad);
    const available = Math.floor(1 + (padded.length - nFft) / hop);
    const frames = Math.max(0, Math.min(available, maxFrames));
    const mels = this.filters.length;
    const out = new Float32Array(mels * frames);
    const { packedRe, packedIm, spectrumRe, spectrumIm, splitRe, splitIm, power, window, bins, filters } = this;
    const half = nFft / 2;
    for (let t = 0; t < frames; t += 1) {
      const offset = t * hop;
      // The real frame packed as half as many complex values: even samples real, odd imaginary.
      for (let j = 0; j < half; j += 1) {
        packedRe[j] = (padded[offset + 2 * j] ?? 0) * (window[2 * j] ?? 0);
        packedIm[j] = (padded[offset + 2 * j + 1] ?? 0) * (window[2 * j + 1] ?? 0);
      }
      this.half.transform(packedRe, packedIm, spectrumRe, spectrumIm);
      // Unpack: X[k] = E[k] + e^(−2πik/n)·O[k], with E and O the even and odd samples' transforms.
      for (let k = 0; k < bins; k += 1) {
        const a = k % half;
        const b = (half - k) % half;
        const zr = spectrumRe[a] ?? 0;
        const zi = spectrumIm[a] ?? 0;
        const cr = spectrumRe[b] ?? 0;
        const ci = -(spectrumIm[b] ?? 0);
        const er = (zr + cr) / 2;
        const ei = (zi + ci) / 2;
        // O = (Z − conj Z[−k]) / 2i
        const or = (zi - ci) / 2;
        const oi = -(zr - cr) / 2;
        const wr = splitRe[k] ?? 0;
        const wi = splitIm[k] ?? 0;
        const xr = er + or * wr - oi * wi;
        const xi = ei + or * wi + oi * wr;
        // Stored as float32 by transformers.js before the mel product.
        power[k] = Math.fround(xr * xr + xi * xi);
      }
      for (let f = 0; f < mels; f += 1) {
        const filter = filters[f];
        if (filter === undefined) continue;
        let sum = 0;
        for (let i = 0; i < filter.weights.length; i += 1) sum += (filter.weights[i] ?? 0) * (power[filter.first + i] ?? 0);
        out[f * frames + t] = sum;
      }
    }
    // Whisper's log10 with the dynamic range cut to 8 (80 dB) below the loudest value, then scaled.
    let loudest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < out.length; i += 1) {
      const value = (out[i] = Math.log10(Math.max(MEL_FLOOR, out[i] ?? 0)));
      if (value > loudest) loudest = value;
    }
    const floor = loudest - 8;
    for (let i = 0; i < out.length; i += 1) out[i] = (Math.max(out[i] ?? 0, floor) + 4) / 4;
    return { data: out, mels, frames };
  }
}

/** transformers.js' `spectrogram` default floor for mel values before the logarithm. */
const MEL_FLOOR = 1e-10;

/** `samples` with `pad` samples reflected at each end (numpy's "reflect": the edge is not repeated). */
function reflectPad(samples: Float32Array, pad: number): Float32Array {
  const padded = new Float32Array(samples.length + 2 * pad);
  padded.set(samples, pad);
  const last = samples.length - 1;
  for (let i = 1; i <= pad; i += 1) {
    padded[pad - i] = samples[i] ?? 0;
    padded[last + pad + i] = samples[last - i] ?? 0;
  }
  return padded;
}

/** The fields transformers.js 4.3's `WhisperFeatureExtractor` has that the features depend on. */
interface ExtractorState {
  readonly config: { readonly n_fft: number; readonly hop_length: number; readonly nb_max_frames: number; readonly mel_filters: readonly (ArrayLike<number>)[] };
  readonly window: ArrayLike<number>;
}

/** An extractor's own `_extract_fbank_features`, run on `extractor`. */
export type OriginalExtract = (extractor: object, waveform: Float32Array | Float64Array) => Promise<unknown>;

const plans = new WeakMap<object, LogMel | null>();
const originals = new WeakMap<object, OriginalExtract>();

/**
 * Makes `extractorClass` (transformers.js' `WhisperFeatureExtractor`) compute its features with
 * {@link LogMel}; `tensor` builds the `[mels, frames]` float32 Tensor it returns. An extractor whose
 * config LogMel does not take keeps the original code. Idempotent; returns the original method,
 * or null when the class has none.
 */
export function useLogMel(extractorClass: { prototype: object }, tensor: (data: Float32Array, dims: [number, number]) => unknown): OriginalExtract | null {
  const prototype = extractorClass.prototype;
  const known = originals.get(prototype);
  if (known !== undefined) return known;
  const own: unknown = Reflect.get(prototype, "_extract_fbank_features");
  if (typeof own !== "function") return null;
  const original: OriginalExtract = async (extractor, waveform): Promise<unknown> => {
    const result: unknown = await Reflect.apply(own, extractor, [waveform]);
    return result;
  };
  async function extract(this: ExtractorState, waveform: Float32Array | Float64Array): Promise<unknown> {
    let plan = plans.get(this);
    if (plan === undefined) {
      try {
        plan = new LogMel({ nFft: this.config.n_fft, hop: this.config.hop_length, window: this.window, melFilters: this.config.mel_filters });
      } catch {
        plan = null;
      }
      plans.set(this, plan);
    }
    const { hop_length: hop, n_fft: nFft, nb_max_frames: limit } = this.config;
    if (plan === null || !(waveform instanceof Float32Array) || waveform.length <= nFft / 2) return original(this, waveform);
    const { data, mels, frames } = plan.compute(waveform, Math.min(Math.floor(waveform.length / hop), limit));
    return tensor(data, [mels, frames]);
  }
  Reflect.set(prototype, "_extract_fbank_features", extract);
  originals.set(prototype, original);
  return original;
}

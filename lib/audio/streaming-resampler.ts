/** Resampling a recording to 16 kHz while it is being recorded, so stopping is instant. */
import { resample } from "./format";
import { SAMPLE_RATE } from "./sample-rate";

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Above this many filter phases {@link StreamingResampler} does not cache its filter (odd rate pairs). */
const MAX_CACHED_PHASES = 4096;

/**
 * Resamples a stream of chunks as they arrive, giving the same samples as one {@link resample} call
 * over the whole recording (to float rounding) while spreading the work over the recording, so
 * `stop()` is quick even after minutes of audio.
 *
 * Output sample n sits at input position n·from/to, as in `resample`. The first few outputs and the
 * tail (where `resample` clamps its filter at the ends of the input) are computed by `resample`
 * itself on a small slice; the outputs in between use the same windowed-sinc filter with its weights
 * computed once per phase (from/to = 3 has one phase, 44.1 kHz → 16 kHz has 160), which is ~50×
 * faster than recomputing the sines for every sample. The unit tests hold the two paths equal, so a
 * change to `resample`'s filter shows up there.
 */
export class StreamingResampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly ratio: number;
  private readonly radius: number;
  private readonly cutoff: number;
  private readonly inStep: number;
  private readonly outStep: number;
  private readonly margin: number;
  private readonly blockIn: number;
  /** Per phase: offset of the first tap from the phase's block base, and the normalised weights. */
  private kernel: { readonly first: Int32Array; readonly weights: Float64Array[] } | null = null;
  /** Input samples not yet dropped; `buffer[0]` is input sample `bufferStart`. */
  private buffer = new Float32Array(0);
  private bufferLength = 0;
  private bufferStart = 0;
  private total = 0;
  private produced = 0;
  private readonly output: Float32Array[] = [];

  constructor(fromRate: number, toRate: number = SAMPLE_RATE, blockSeconds = 0.25) {
    const from = Math.round(fromRate);
    const to = Math.round(toRate);
    if (!(from > 0) || !(to > 0)) throw new RangeError(`invalid sample rates ${fromRate} → ${toRate}`);
    this.fromRate = from;
    this.toRate = to;
    // The same filter as resample(): 16 taps each side of the output, in units of the lower Nyquist.
    this.ratio = from / to;
    this.cutoff = Math.min(1, to / from);
    this.radius = 16 / this.cutoff;
    const divisor = gcd(from, to);
    this.inStep = from / divisor;
    this.outStep = to / divisor;
    this.margin = Math.ceil((this.radius + 2) / this.inStep) * this.inStep;
    this.blockIn = Math.max(1, Math.round((from * blockSeconds) / this.inStep)) * this.inStep;
  }

  /** Input samples received so far. */
  get inputLength(): number {
    return this.total;
  }

  /** Adds input; resamples every block that now has enough input after it. */
  push(chunk: Float32Array): void {
    if (chunk.length === 0) return;
    if (this.bufferLength + chunk.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.bufferLength + chunk.length, this.buffer.length * 2, 4096));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.bufferLength);
    this.bufferLength += chunk.length;
    this.total += chunk.length;
    if (this.fromRate === this.toRate) {
      this.output.push(this.buffer.slice(0, this.bufferLength));
      this.produced += this.bufferLength;
      this.bufferStart += this.bufferLength;
      this.bufferLength = 0;
      return;
    }
    for (;;) {
      const at = (this.produced / this.outStep) * this.inStep;
      // A short first block, so the outputs resample() computes with a clamped filter are few.
      const size = at < this.margin ? this.margin - at : this.blockIn;
      if (this.total < at + size + this.margin) break;
      const count = (size / this.inStep) * this.outStep;
      if (at < this.margin || this.outStep > MAX_CACHED_PHASES) this.emitExact(at, at + size + this.margin, count);
      else this.emitCached(at, count);
      this.drop(at + size - this.margin);
    }
  }

  /**
   * The output produced so far and not yet taken, so a stream can be consumed as it goes (the file
   * decoder); {@link finish} then returns only the rest.
   */
  take(): Float32Array {
    return this.drainOutput();
  }

  /** 16 kHz samples produced and not yet taken. */
  get pendingOutput(): number {
    return this.output.reduce((sum, part) => sum + part.length, 0);
  }

  /** Resamples what is left and returns the output not yet taken (all of it unless {@link take} was used); the resampler is spent afterwards. */
  finish(): Float32Array {
    if (this.fromRate !== this.toRate) {
      const expected = Math.floor(this.total / this.ratio);
      const at = (this.produced / this.outStep) * this.inStep;
      if (expected > this.produced) this.emitExact(at, this.total, expected - this.produced);
    }
    const all = this.drainOutput();
    this.buffer = new Float32Array(0);
    this.bufferLength = 0;
    return all;
  }

  private drainOutput(): Float32Array {
    const first = this.output[0];
    if (this.output.length === 1 && first !== undefined) {
      this.output.length = 0;
      return first;
    }
    const all = new Float32Array(this.pendingOutput);
    let offset = 0;
    for (const part of this.output) {
      all.set(part, offset);
      offset += part.length;
    }
    this.output.length = 0;
    return all;
  }

  /** Runs resample() on input `[at - margin, end)` and keeps `count` outputs starting at input position `at`. */
  private emitExact(at: number, end: number, count: number): void {
    const sliceStart = Math.max(0, at - this.margin, this.bufferStart);
    const out = resample(this.buffer.subarray(sliceStart - this.bufferStart, end - this.bufferStart), this.fromRate, this.toRate);
    const offset = ((at - sliceStart) / this.inStep) * this.outStep;
    const kept = new Float32Array(count);
    kept.set(out.subarray(offset, offset + count));
    this.output.push(kept);
    this.produced += count;
  }

  /** `count` outputs from input position `at` with the cached filter; every tap is inside the buffer. */
  private emitCached(at: number, count: number): void {
    const kernel = (this.kernel ??= this.buildKernel());
    const kept = new Float32Array(count);
    const buffer = this.buffer;
    for (let j = 0; j < count; j += 1) {
      const phase = j % this.outStep;
      const base = at + Math.floor(j / this.outStep) * this.inStep + (kernel.first[phase] ?? 0) - this.bufferStart;
      const weights = kernel.weights[phase] ?? new Float64Array(0);
      let sum = 0;
      for (let t = 0; t < weights.length; t += 1) sum += (buffer[base + t] ?? 0) * (weights[t] ?? 0);
      kept[j] = sum;
    }
    this.output.push(kept);
    this.produced += count;
  }

  /** resample()'s weights for each phase, normalised by their sum as resample() does. */
  private buildKernel(): { first: Int32Array; weights: Float64Array[] } {
    const first = new Int32Array(this.outStep);
    const weights: Float64Array[] = [];
    for (let phase = 0; phase < this.outStep; phase += 1) {
      const center = phase * this.ratio;
      const lo = Math.ceil(center - this.radius);
      const hi = Math.floor(center + this.radius);
      const taps = new Float64Array(hi - lo + 1);
      let total = 0;
      for (let k = lo; k <= hi; k += 1) {
        const x = (k - center) * this.cutoff;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const window = 0.5 + 0.5 * Math.cos((Math.PI * (k - center)) / this.radius);
        const weight = sinc * window;
        taps[k - lo] = weight;
        total += weight;
      }
      if (total !== 0) for (let t = 0; t < taps.length; t += 1) taps[t] = (taps[t] ?? 0) / total;
      first[phase] = lo;
      weights.push(taps);
    }
    return { first, weights };
  }

  /** Forgets input before global index `keepFrom`. */
  private drop(keepFrom: number): void {
    const drop = Math.min(this.bufferLength, Math.max(0, keepFrom - this.bufferStart));
    if (drop === 0) return;
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferLength -= drop;
    this.bufferStart += drop;
  }
}

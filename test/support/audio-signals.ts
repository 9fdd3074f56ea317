/** Test signals for the audio code: tones, chunking them as a microphone would, and comparing them. */

/** A 440 Hz tone plus a second partial (moved by `seed`), `length` samples at `rate`. */
export function tone(length: number, rate: number, seed = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.2 * Math.sin((2 * Math.PI * (1234 + seed) * i) / rate + 0.3));
}

/** `samples` cut into chunks of the given sizes, cycling through them. */
export function chunked(samples: Float32Array, sizes: readonly number[]): Float32Array[] {
  const out: Float32Array[] = [];
  let offset = 0;
  for (let i = 0; offset < samples.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 128;
    out.push(samples.slice(offset, offset + size));
    offset += size;
  }
  return out;
}

/** The largest absolute difference between two signals, the shorter one padded with zeros. */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

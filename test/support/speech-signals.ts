/** Synthetic test audio at 16 kHz for the speech gate: silence, noise, hum and speech-like words. */

/** The rate of every signal here: the model's 16 kHz. */
export const RATE = 16_000;

/** A deterministic PRNG (mulberry32), so noise is the same on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A dBFS level as an amplitude. */
export const fromDb = (db: number): number => 10 ** (db / 20);

/** Digital silence. */
export function silence(seconds: number): Float32Array {
  return new Float32Array(Math.round(seconds * RATE));
}

/** White noise (uniform) with the given RMS level, like dither or a quiet preamp. */
export function noise(seconds: number, rmsDb: number, seed = 1): Float32Array {
  const next = random(seed);
  const amplitude = fromDb(rmsDb) * Math.sqrt(3); // uniform on [-a, a] has RMS a/√3
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => (next() * 2 - 1) * amplitude);
}

/** Mains hum: 50 Hz plus two harmonics, at a steady RMS level, optionally wobbling by ±wobbleDb at 0.5 Hz. */
export function hum(seconds: number, rmsDb: number, wobbleDb = 0): Float32Array {
  const base = fromDb(rmsDb) / Math.sqrt((1 + 0.25 + 0.0625) / 2);
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => {
    const t = i / RATE;
    const gain = fromDb(wobbleDb * Math.sin(2 * Math.PI * 0.5 * t));
    return base * gain * (Math.sin(2 * Math.PI * 50 * t) + 0.5 * Math.sin(2 * Math.PI * 100 * t) + 0.25 * Math.sin(2 * Math.PI * 150 * t));
  });
}

/**
 * Something like espeak: words of amplitude-modulated harmonics (a 120–180 Hz voice, 20 harmonics
 * falling off as 1/k), each word two or three syllables at ~4 Hz, pauses between words.
 */
export function speech(seconds: number, peakDb = -12, seed = 7): Float32Array {
  const next = random(seed);
  const out = silence(seconds);
  let t = 0.2;
  while (t < seconds - 0.3) {
    const word = 0.35 + next() * 0.45;
    const f0 = 120 + next() * 60;
    const start = Math.round(t * RATE);
    const length = Math.min(Math.round(word * RATE), out.length - start);
    let phase = 0;
    for (let i = 0; i < length; i += 1) {
      const local = i / RATE;
      const envelope = Math.abs(Math.sin((Math.PI * local * 2) / word * 1.5)) ** 1.5;
      const f = f0 * (1 + 0.05 * Math.sin(2 * Math.PI * 3 * local));
      phase += (2 * Math.PI * f) / RATE;
      let voice = 0;
      for (let k = 1; k <= 20; k += 1) voice += Math.sin(k * phase) / k;
      out[start + i] = (out[start + i] ?? 0) + fromDb(peakDb) * envelope * voice * 0.5;
    }
    t += word + 0.15 + next() * 0.3;
  }
  return out;
}

/** The signals one after another. */
export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The signals added together, the shorter ones padded with silence. */
export function mix(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(Math.max(...parts.map((part) => part.length)));
  for (const part of parts) part.forEach((value, i) => (out[i] = (out[i] ?? 0) + value));
  return out;
}

/**
 * Decoded audio that hands out 16 kHz mono windows on request, so long recordings are fed to the
 * worker one 30-second piece at a time instead of as one buffer (an hour of 16 kHz Float32 is
 * 230 MB). Mixing down to mono happens per window, so no full-length mono copy is ever made; a
 * file decoded as a stream (stream-source.ts) holds only the window being read.
 */
import { SAMPLE_RATE } from "./sample-rate";

/**
 * 16 kHz mono samples, read window by window. Reads are cheapest going forward: a stream may forget
 * what lies before the last `start` read, and going back means decoding again from the beginning.
 */
export interface AudioSource {
  /**
   * Number of 16 kHz samples. Exact for decoded buffers; a stream still decoding reports its
   * container's estimate (at least one more than decoded so far) until a read reaches the end, and
   * after `read(start, end)` it is either exact or more than `end`.
   */
  readonly length: number;
  /** Seconds; exact once `length` is. */
  readonly duration: number;
  /** A fresh (transferable) 16 kHz mono copy of samples `[start, end)`, shorter at the end of the audio. */
  read(start: number, end: number): Promise<Float32Array>;
}

/** Wraps samples that are already 16 kHz mono (recordings, the WASM Opus decoder's output). */
export function monoSource(samples: Float32Array): AudioSource {
  return {
    length: samples.length,
    duration: samples.length / SAMPLE_RATE,
    read: (start, end) => Promise.resolve(samples.slice(Math.max(0, start), Math.min(samples.length, end))),
  };
}

/**
 * Wraps per-channel 16 kHz data (e.g. an AudioBuffer's channels) and averages the channels only for
 * the window asked for.
 */
export function channelsSource(channels: readonly Float32Array[]): AudioSource {
  const first = channels[0];
  if (first === undefined) return monoSource(new Float32Array(0));
  if (channels.length === 1) return monoSource(first);
  const length = Math.min(...channels.map((channel) => channel.length));
  const scale = 1 / channels.length;
  return {
    length,
    duration: length / SAMPLE_RATE,
    read(start, end) {
      return Promise.resolve(mixDown(channels, scale, Math.max(0, start), Math.min(length, end)));
    },
  };
}

/** The channels' average over samples `[from, to)`. */
function mixDown(channels: readonly Float32Array[], scale: number, from: number, to: number): Float32Array {
  const out = new Float32Array(Math.max(0, to - from));
  for (const channel of channels) {
    for (let i = 0; i < out.length; i += 1) out[i] = (out[i] ?? 0) + (channel[from + i] ?? 0) * scale;
  }
  return out;
}

/**
 * Pure helpers for audio input: recognising a container from its first bytes, mixing channels down
 * to mono and resampling. They hold no browser state, so they are unit-tested in Node; the browser
 * decoding itself lives in lib/audio/decode.ts.
 */

/** Containers people actually send; "unknown" means the bytes do not look like audio or video. */
export type Container =
  | "ogg-opus"
  | "ogg-vorbis"
  | "ogg"
  | "wav"
  | "mp3"
  | "aac"
  | "mp4"
  | "webm"
  | "flac"
  | "aiff"
  | "amr"
  | "unknown";

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let out = "";
  for (let i = offset; i < offset + length && i < bytes.length; i += 1) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

/** Recognises the container from the first bytes of a file (64 are plenty). */
export function sniffContainer(bytes: Uint8Array): Container {
  if (ascii(bytes, 0, 4) === "OggS") {
    if (ascii(bytes, 28, 8) === "OpusHead") return "ogg-opus";
    if (ascii(bytes, 29, 6) === "vorbis") return "ogg-vorbis";
    return "ogg";
  }
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WAVE") return "wav";
  if (ascii(bytes, 0, 4) === "fLaC") return "flac";
  if (ascii(bytes, 0, 4) === "FORM" && (ascii(bytes, 8, 4) === "AIFF" || ascii(bytes, 8, 4) === "AIFC")) return "aiff";
  if (ascii(bytes, 0, 5) === "#!AMR") return "amr";
  if (ascii(bytes, 4, 4) === "ftyp") return "mp4";
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return "webm";
  if (ascii(bytes, 0, 3) === "ID3") return "mp3";
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  if (b0 === 0xff && (b1 & 0xf6) === 0xf0) return "aac"; // ADTS sync word, layer 0
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0) return "mp3"; // MPEG audio frame sync
  return "unknown";
}

/** Averages channels into one (what Web Audio does for stereo → mono). Returns a new array. */
export function downmixToMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (first === undefined) return new Float32Array(0);
  if (channels.length === 1) return new Float32Array(first);
  const length = Math.min(...channels.map((channel) => channel.length));
  const mono = new Float32Array(length);
  const scale = 1 / channels.length;
  for (const channel of channels) {
    for (let i = 0; i < length; i += 1) mono[i] = (mono[i] ?? 0) + (channel[i] ?? 0) * scale;
  }
  return mono;
}

/**
 * Resamples mono audio with a windowed-sinc low-pass, for where no OfflineAudioContext is at hand.
 * Quality is ample for speech; cost is O(n · taps).
 */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`invalid sample rates ${fromRate} → ${toRate}`);
  if (fromRate === toRate) return new Float32Array(input);
  const ratio = fromRate / toRate;
  const outLength = Math.floor(input.length / ratio);
  const output = new Float32Array(outLength);
  const cutoff = Math.min(1, toRate / fromRate); // relative to the input Nyquist
  const halfTaps = 16;
  const radius = halfTaps / cutoff;
  for (let n = 0; n < outLength; n += 1) {
    const center = n * ratio;
    const lo = Math.max(0, Math.ceil(center - radius));
    const hi = Math.min(input.length - 1, Math.floor(center + radius));
    let sum = 0;
    let weights = 0;
    for (let k = lo; k <= hi; k += 1) {
      const x = (k - center) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * (k - center)) / radius); // Hann
      const weight = sinc * window;
      sum += (input[k] ?? 0) * weight;
      weights += weight;
    }
    output[n] = weights === 0 ? 0 : sum / weights;
  }
  return output;
}

/** Root-mean-square level of a buffer (0 for silence, ~0.707 for a full-scale sine). */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const value of samples) sum += value * value;
  return Math.sqrt(sum / samples.length);
}

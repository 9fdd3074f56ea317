/** Minimal 16-bit PCM WAV reading and writing for building test clips in Node. */
import { readFileSync, writeFileSync } from "node:fs";

/** Mono samples in [-1, 1] and their rate. */
export interface PcmAudio {
  readonly sampleRate: number;
  readonly samples: Float32Array;
}

/** Reads a mono or multi-channel 16-bit PCM WAV file, keeping the first channel. */
export function readWav(path: string): PcmAudio {
  const data = readFileSync(path);
  if (data.toString("ascii", 0, 4) !== "RIFF" || data.toString("ascii", 8, 12) !== "WAVE") throw new Error(`${path} is not a WAV file`);
  let offset = 12;
  let channels = 1;
  let sampleRate = 16_000;
  while (offset + 8 <= data.length) {
    const id = data.toString("ascii", offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    if (id === "fmt ") {
      channels = data.readUInt16LE(offset + 10);
      sampleRate = data.readUInt32LE(offset + 12);
    } else if (id === "data") {
      const frames = Math.floor(size / 2 / channels);
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i += 1) samples[i] = data.readInt16LE(offset + 8 + i * 2 * channels) / 32768;
      return { sampleRate, samples };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Writes mono samples as a 16-bit PCM WAV file. */
export function writeWav(path: string, audio: PcmAudio): void {
  const bytes = audio.samples.length * 2;
  const out = Buffer.alloc(44 + bytes);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + bytes, 4);
  out.write("WAVEfmt ", 8, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(audio.sampleRate, 24);
  out.writeUInt32LE(audio.sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(bytes, 40);
  for (let i = 0; i < audio.samples.length; i += 1) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round((audio.samples[i] ?? 0) * 32767))), 44 + i * 2);
  writeFileSync(path, out);
}

/** Repeats `clip` with `gapSeconds` of silence between copies until at least `seconds` long. */
export function repeatToLength(clip: PcmAudio, seconds: number, gapSeconds = 1): PcmAudio {
  const total = Math.ceil(seconds * clip.sampleRate);
  const gap = Math.round(gapSeconds * clip.sampleRate);
  const samples = new Float32Array(total);
  for (let offset = 0; offset < total; offset += clip.samples.length + gap) samples.set(clip.samples.subarray(0, Math.max(0, Math.min(clip.samples.length, total - offset))), offset);
  return { sampleRate: clip.sampleRate, samples };
}

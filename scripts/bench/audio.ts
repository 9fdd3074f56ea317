/**
 * Benchmark audio: the committed speech clip (test/fixtures/audio/speech-8k.wav) resampled once to
 * Whisper's 16 kHz and repeated with a second of silence between copies up to each length, written
 * as 16-bit WAV. The browser decodes the file at 16 kHz (no further resampling) and Node reads the
 * same samples, so both runtimes transcribe identical audio.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { resample } from "../../lib/audio/format";
import { readWav, repeatToLength, writeWav } from "../../test/support/wav";
import { SAMPLE_RATE } from "../../lib/audio/sample-rate";

/** Path of a `seconds`-long speech WAV in `dir`, made on first use. */
export function benchAudio(root: string, dir: string, seconds: number): string {
  const path = join(dir, `speech-${seconds}s-16k.wav`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const clip = readWav(join(root, "test", "fixtures", "audio", "speech-8k.wav"));
  const clip16k = { sampleRate: SAMPLE_RATE, samples: resample(clip.samples, clip.sampleRate, SAMPLE_RATE) };
  writeWav(path, repeatToLength(clip16k, seconds, 1));
  return path;
}

/** A label such as "30 s", "2 min" or "10 min". */
export function lengthLabel(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Number((seconds / 60).toFixed(1))} min`;
}

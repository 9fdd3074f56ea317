/**
 * Test builds only: what Playwright reads to check that a long file is decoded window by window.
 * The page's `__WHISPER_AUDIO_STATS__` holds the decoder used, the most 16 kHz samples it held at
 * once, and each window read (start, length, a checksum), so a test can also compare the windows
 * of the streaming and the whole-file decoders; `__WHISPER_TEST_DECODER__ = "whole"` forces the
 * whole-file one. Production builds (NEXT_PUBLIC_TEST_HOOKS unset) compile all of it away.
 */
import { TEST_HOOKS_ENABLED } from "../transcription/worker-protocol";
import type { AudioSource } from "./source";

declare global {
  /** Test builds only: {@link AudioReadStats} of the last file decoded. */
  var __WHISPER_AUDIO_STATS__: unknown;
  /** Test builds only: `"whole"` makes decodeAudioFile skip the streaming decoder. */
  var __WHISPER_TEST_DECODER__: unknown;
}

/** One window the transcription loop read. */
export interface WindowRead {
  readonly start: number;
  readonly length: number;
  /** Sum of the window's samples, to compare decoders without shipping the samples. */
  readonly sum: number;
}

/** What a test sees of the last decoded file. */
export interface AudioReadStats {
  readonly decoder: string;
  /** Most 16 kHz samples held at once: the whole file for the buffered decoders. */
  peakBufferedSamples: number;
  readonly reads: WindowRead[];
}

/** True when a test asked for the whole-file decoder (never in production). */
export function wholeFileForced(): boolean {
  return TEST_HOOKS_ENABLED && globalThis.__WHISPER_TEST_DECODER__ === "whole";
}

/**
 * In test builds, wraps `source` so each read is recorded in `__WHISPER_AUDIO_STATS__` (and
 * `peak()` after it); elsewhere returns `source` itself.
 */
export function observeSource(source: AudioSource, decoder: string, peak: () => number): AudioSource {
  if (!TEST_HOOKS_ENABLED) return source;
  const stats: AudioReadStats = { decoder, peakBufferedSamples: peak(), reads: [] };
  globalThis.__WHISPER_AUDIO_STATS__ = stats;
  return {
    get length() {
      return source.length;
    },
    get duration() {
      return source.duration;
    },
    async read(start, end) {
      const samples = await source.read(start, end);
      let sum = 0;
      for (const value of samples) sum += value;
      stats.reads.push({ start, length: samples.length, sum });
      stats.peakBufferedSamples = peak();
      return samples;
    },
  };
}

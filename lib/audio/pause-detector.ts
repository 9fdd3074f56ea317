/**
 * Finds the pauses in a recording while it is being recorded, so the live transcription
 * (lib/transcription/live-windows.ts) can cut a window where nobody is mid-word. The same
 * energy rule as the silence gate (./silence-gate), made incremental: ~30 ms frames, each frame's
 * level in dBFS with its DC removed, a noise floor that is a low quantile of the last seconds'
 * frame levels (so it follows the room), and voiced frames that are well above that floor and above
 * an absolute minimum, in runs long enough not to be a click. A pause is a stretch of unvoiced
 * frames after speech; its cut point lies inside it, a little after the speech ended, so soft word
 * endings stay with the words. Cost per frame: one pass over its samples and a sort of the
 * recent levels (a few hundred numbers).
 */
import { frameLevelsDb, quantile } from "./silence-gate";
import { SAMPLE_RATE } from "./sample-rate";

/** Tuning of {@link PauseDetector}; every field has a default fit for speech at 16 kHz. */
export interface PauseOptions {
  readonly sampleRate?: number;
  /** Frame length in milliseconds; default 30. */
  readonly frameMs?: number;
  /** Unvoiced time after speech that makes a pause; default 600 ms. */
  readonly pauseMs?: number;
  /** Voiced frames count only in runs at least this long; default 90 ms. */
  readonly minRunMs?: number;
  /** A frame quieter than this is never voiced; default −50 dBFS. */
  readonly absoluteMinDb?: number;
  /** How far above the noise floor a voiced frame must be; default 9 dB. */
  readonly marginDb?: number;
  /** The floor is this quantile of the recent frame levels; default 0.1. */
  readonly floorQuantile?: number;
  /** How much recent audio the floor is taken from; default 10 s. */
  readonly floorSeconds?: number;
}

const DEFAULTS: Required<PauseOptions> = {
  sampleRate: SAMPLE_RATE,
  frameMs: 30,
  pauseMs: 600,
  minRunMs: 90,
  absoluteMinDb: -50,
  marginDb: 9,
  floorQuantile: 0.1,
  floorSeconds: 10,
};

/** Incremental pause finder over a stream of mono samples; see the module comment. */
export class PauseDetector {
  private readonly frameSize: number;
  private readonly pauseFrames: number;
  private readonly minRun: number;
  private readonly options: Required<PauseOptions>;
  private readonly frame: Float32Array;
  private filled = 0;
  private frameIndex = 0;
  /** Recent frame levels, a ring of `floorSeconds`. */
  private readonly recent: Float64Array;
  private recentCount = 0;
  private voicedRun = 0;
  /** Frame index just after the last frame of speech. */
  private speechEnd = 0;
  /** Speech was heard since the last pause was reported. */
  private speechPending = false;

  constructor(options: PauseOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    const o = this.options;
    this.frameSize = Math.max(1, Math.round((o.sampleRate * o.frameMs) / 1000));
    this.pauseFrames = Math.max(1, Math.round(o.pauseMs / o.frameMs));
    this.minRun = Math.max(1, Math.ceil(o.minRunMs / o.frameMs - 1e-9));
    this.frame = new Float32Array(this.frameSize);
    this.recent = new Float64Array(Math.max(1, Math.round((o.floorSeconds * 1000) / o.frameMs)));
  }

  /** Samples pushed so far. */
  get position(): number {
    return this.frameIndex * this.frameSize + this.filled;
  }

  /** True while speech has been heard and no pause has followed it yet. */
  get inSpeech(): boolean {
    return this.speechPending;
  }

  /**
   * Adds the next samples of the stream; returns the cut points of the pauses completed by them
   * (absolute sample positions, counted from the first sample ever pushed), in order.
   */
  push(samples: Float32Array): number[] {
    const cuts: number[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.frameSize - this.filled, samples.length - offset);
      this.frame.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled < this.frameSize) break;
      this.filled = 0;
      const cut = this.onFrame(frameLevelsDb(this.frame, this.frameSize)[0] ?? -Infinity);
      if (cut !== null) cuts.push(cut);
    }
    return cuts;
  }

  /** Forgets that speech is pending: the caller cut the stream here itself (the recording paused). */
  markCut(): void {
    this.speechPending = false;
    this.voicedRun = 0;
  }

  private onFrame(level: number): number | null {
    const o = this.options;
    this.recent[this.frameIndex % this.recent.length] = level;
    this.recentCount = Math.min(this.recent.length, this.recentCount + 1);
    const floor = quantile(Array.from(this.recent.subarray(0, this.recentCount)), o.floorQuantile);
    const threshold = Math.max(floor + o.marginDb, o.absoluteMinDb);
    this.frameIndex += 1;
    if (level > threshold) {
      this.voicedRun += 1;
      if (this.voicedRun >= this.minRun) {
        this.speechEnd = this.frameIndex;
        this.speechPending = true;
      }
      return null;
    }
    this.voicedRun = 0;
    if (!this.speechPending || this.frameIndex - this.speechEnd < this.pauseFrames) return null;
    this.speechPending = false;
    return (this.speechEnd + Math.floor(this.pauseFrames / 2)) * this.frameSize;
  }
}

/**
 * The windows of a recording that is still going on. Samples arrive as they are recorded; a window
 * is ready once a pause closes it (../audio/pause-detector) or it reaches Whisper's 30 seconds.
 * Only samples not yet transcribed are held: {@link LiveWindows.accept} releases a window's samples
 * as soon as its text is in, so memory stays flat however long the recording runs, and grows only
 * by what waits when transcription falls behind. Pure (no timers, no worker): the live
 * transcription (./live-transcription.ts) drives it.
 */
import { PauseDetector, type PauseOptions } from "../audio/pause-detector";
import { SAMPLE_RATE } from "../audio/sample-rate";
import type { Segment } from "../transcript/types";
import { stepWindow, WINDOW_SECONDS } from "./windows";

/** Tuning of {@link LiveWindows}. */
export interface LiveWindowOptions extends PauseOptions {
  /** The longest window; default 30 s (what Whisper hears at once). */
  readonly maxSeconds?: number;
  /** A pause closes a window only once it holds this much audio; default 1 s. */
  readonly minSeconds?: number;
}

/** A window ready to transcribe: samples `[start, end)` of the recording. */
export interface LiveWindow {
  readonly start: number;
  readonly end: number;
  /**
   * True when nothing in it was cut mid-word: it ends at a pause or at the end of the recording.
   * A window cut at the maximum length is not, so its last words are heard again in the next one.
   */
  readonly complete: boolean;
}

/** See the module comment. */
export class LiveWindows {
  private readonly sampleRate: number;
  private readonly maxLength: number;
  private readonly minLength: number;
  private readonly detector: PauseDetector;
  /** Samples from `bufferStart`; only `bufferLength` of them are in use. */
  private buffer = new Float32Array(0);
  private bufferLength = 0;
  private bufferStart = 0;
  /** Cut points after the cursor, in order. */
  private cuts: number[] = [];
  private cursor = 0;
  private ended = false;
  private kept: Segment[] = [];
  private accepted = 0;

  constructor(options: LiveWindowOptions = {}) {
    this.sampleRate = options.sampleRate ?? SAMPLE_RATE;
    this.maxLength = Math.round((options.maxSeconds ?? WINDOW_SECONDS) * this.sampleRate);
    this.minLength = Math.round((options.minSeconds ?? 1) * this.sampleRate);
    this.detector = new PauseDetector(options);
  }

  /** Samples received so far. */
  get received(): number {
    return this.bufferStart + this.bufferLength;
  }

  /** Samples held: received and not yet transcribed. */
  get buffered(): number {
    return this.bufferLength;
  }

  /** Where the next window starts. */
  get position(): number {
    return this.cursor;
  }

  /** True once {@link end} was called. */
  get hasEnded(): boolean {
    return this.ended;
  }

  /** True when the recording ended and every sample was transcribed (or skipped). */
  get done(): boolean {
    return this.ended && this.cursor >= this.received;
  }

  /** Windows transcribed or skipped so far. */
  get windowsDone(): number {
    return this.accepted;
  }

  /** The segments kept so far, with recording-relative times. */
  get segments(): readonly Segment[] {
    return this.kept;
  }

  /** How many windows could be taken one after another right now (0 when none is ready). */
  get ready(): number {
    let count = 0;
    let at = this.cursor;
    for (let next = this.windowFrom(at); next !== null && count < 1_000; next = this.windowFrom(at)) {
      count += 1;
      at = next.end;
    }
    return count;
  }

  /** Adds recorded samples (after the ones already pushed). Ignored after {@link end}. */
  push(samples: Float32Array): void {
    if (this.ended || samples.length === 0) return;
    const needed = this.bufferLength + samples.length;
    if (needed > this.buffer.length) {
      const grown = new Float32Array(Math.max(needed, this.buffer.length * 2, this.sampleRate));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(samples, this.bufferLength);
    this.bufferLength += samples.length;
    for (const cut of this.detector.push(samples)) if (cut > this.cursor) this.cuts.push(cut);
  }

  /** Cuts here, as a pause would (the recording was paused: nothing more of this sentence comes now). */
  cut(): void {
    if (this.ended) return;
    const at = this.received;
    this.detector.markCut();
    if (at > this.cursor && this.cuts.at(-1) !== at) this.cuts.push(at);
  }

  /** The recording stopped: what is left becomes the last window(s). */
  end(): void {
    this.ended = true;
  }

  /**
   * The window to transcribe next, or null while none is ready. When several are (transcription fell
   * behind), it reaches to the latest pause within the maximum length, so catching up takes fewer
   * model runs. It stays the next window until {@link accept} is called.
   */
  next(): LiveWindow | null {
    return this.windowFrom(this.cursor);
  }

  /** A copy of the window's samples (transferable to the worker). */
  samples(window: LiveWindow): Float32Array {
    return this.buffer.slice(window.start - this.bufferStart, window.end - this.bufferStart);
  }

  /**
   * The window was transcribed: keep its segments (window-relative times, as the worker gives
   * them) and release its samples. A window cut at the maximum length drops a last segment that runs
   * into its edge, and the next window starts where that segment (or `resumeAt`) began, as for files.
   * Pass no segments for a window that held no speech. Returns the segments kept from this window.
   */
  accept(window: LiveWindow, segments: readonly Segment[] = [], resumeAt: number | null = null): readonly Segment[] {
    const step = stepWindow(segments, window.start, window.end - window.start, window.complete, window.complete ? null : resumeAt, this.sampleRate);
    this.kept = [...this.kept, ...step.keep];
    this.accepted += 1;
    this.cursor = Math.max(this.cursor, step.nextStart);
    this.cuts = this.cuts.filter((cut) => cut > this.cursor);
    this.release(this.cursor);
    return step.keep;
  }

  private windowFrom(start: number): LiveWindow | null {
    const received = this.received;
    if (start >= received) return null;
    const limit = start + this.maxLength;
    let pause: number | null = null;
    for (const cut of this.cuts) {
      if (cut > limit) break;
      if (cut >= start + this.minLength) pause = cut;
    }
    if (pause !== null) return { start, end: pause, complete: true };
    if (received >= limit) return { start, end: limit, complete: this.ended && received === limit };
    if (this.ended) return { start, end: received, complete: true };
    return null;
  }

  /** Drops the samples before `from`. */
  private release(from: number): void {
    const drop = Math.min(this.bufferLength, Math.max(0, from - this.bufferStart));
    if (drop === 0) return;
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferLength -= drop;
    this.bufferStart += drop;
    // Give back a buffer that grew while transcription lagged behind.
    if (this.buffer.length > 4 * Math.max(this.bufferLength, this.maxLength)) this.buffer = this.buffer.slice(0, Math.max(this.bufferLength, this.maxLength));
  }
}

/**
 * Microphone recording in the browser, straight to what the model takes: 16 kHz mono Float32 PCM.
 *
 * - {@link getSharedMicrophone} asks for the microphone once per page and hands the same live stream
 *   to every caller (inside Telegram every `getUserMedia` call asks the user again).
 * - {@link createRecorder} captures a stream through an AudioContext and an AudioWorklet (a
 *   ScriptProcessor where there is no AudioWorklet), with pause/resume, a level meter (~20×/s) and
 *   an elapsed time that leaves out pauses. Audio is resampled to 16 kHz while recording
 *   ({@link StreamingResampler}), so `stop()` returns at once even after a long recording.
 *
 * The worklet module is built from a string into a Blob URL: same-origin by construction, so it
 * loads under COEP `require-corp` and needs no file in public/.
 *
 * The pure parts (resampling in blocks, level metering, elapsed-time bookkeeping, error mapping,
 * the worklet's own code) are exported for tests.
 */
import { resample } from "./format";
import { AppError } from "../errors";
import { createLogger } from "../logger";
import { SAMPLE_RATE } from "./sample-rate";

const log = createLogger("recorder");


/** Stable codes of {@link RecordingError}. */
export type RecordingErrorCode =
  /** No `getUserMedia` (an insecure http page, an old in-app browser) or no Web Audio. */
  | "microphone-unsupported"
  /** The user or a policy refused the microphone. */
  | "microphone-denied"
  /** There is no microphone. */
  | "microphone-missing"
  /** The microphone exists but cannot be opened (another app holds it, a hardware error). */
  | "microphone-busy"
  /** The microphone stopped while recording (unplugged, permission revoked, taken by a call). */
  | "microphone-ended"
  /** Anything else from `getUserMedia`. */
  | "microphone-failed"
  /** The recorder was used out of order (start twice, pause before start…). */
  | "recorder-state"
  /** The audio graph could not be set up. */
  | "recorder-audio";

/** Every failure of recording; switch on `code`, show `message`. */
export class RecordingError extends AppError {
  override readonly name = "RecordingError";
  declare readonly code: RecordingErrorCode;

  constructor(code: RecordingErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

function errorName(error: unknown): string {
  return typeof error === "object" && error !== null && "name" in error && typeof error.name === "string" ? error.name : "";
}

/** Turns what `getUserMedia` rejected with into a {@link RecordingError} whose message a user can act on. */
export function microphoneErrorFrom(cause: unknown): RecordingError {
  if (cause instanceof RecordingError) return cause;
  switch (errorName(cause)) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return new RecordingError("microphone-denied", "Microphone access was refused. Allow the microphone for this site (or for Telegram) in your settings and try again.", { cause });
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return new RecordingError("microphone-missing", "No microphone was found on this device.", { cause });
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return new RecordingError("microphone-busy", "The microphone could not be started. Another app may be using it.", { cause });
    case "TypeError":
      return new RecordingError("microphone-unsupported", "This browser cannot record audio here (recording needs a secure https page).", { cause });
    default:
      return new RecordingError("microphone-failed", "The microphone could not be opened.", { cause });
  }
}

// ---------------------------------------------------------------------------------------------
// The shared microphone

/** The slice of `navigator.mediaDevices` the microphone provider uses. */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

/** One microphone stream shared by the page; {@link createMicrophoneProvider} makes one. */
export interface MicrophoneProvider {
  /** The live stream, asking for it only when there is none (first call, or the track ended). */
  get(): Promise<MediaStream>;
  /** The stream if one is live now, without asking. */
  current(): MediaStream | null;
  /** Stops the tracks (the browser's recording indicator goes off); the next `get` asks again. */
  release(): void;
}

/** Constraints for speech: echo cancellation, noise suppression and automatic gain on, one channel. */
export const SPEECH_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  channelCount: { ideal: 1 },
};

function isLive(stream: MediaStream): boolean {
  return stream.getAudioTracks().some((track) => track.readyState === "live");
}

/**
 * A {@link MicrophoneProvider} over `devices()` (called on each request, so a page whose
 * `navigator.mediaDevices` appears late still works). Concurrent `get` calls share one request;
 * a refused request is not remembered, so the next `get` asks again.
 */
export function createMicrophoneProvider(
  devices: () => MediaDevicesLike | undefined,
  constraints: MediaTrackConstraints = SPEECH_CONSTRAINTS,
): MicrophoneProvider {
  let stream: MediaStream | null = null;
  let pending: Promise<MediaStream> | null = null;
  return {
    get() {
      if (stream !== null && isLive(stream)) return Promise.resolve(stream);
      stream = null;
      if (pending !== null) return pending;
      const mediaDevices = devices();
      if (mediaDevices === undefined || typeof mediaDevices.getUserMedia !== "function") {
        return Promise.reject(new RecordingError("microphone-unsupported", "This browser cannot record audio here (recording needs a secure https page)."));
      }
      const request = mediaDevices.getUserMedia({ audio: constraints, video: false }).then(
        (granted) => {
          if (pending === request) pending = null;
          stream = granted;
          return granted;
        },
        (cause: unknown) => {
          if (pending === request) pending = null;
          throw microphoneErrorFrom(cause);
        },
      );
      pending = request;
      return request;
    },
    current: () => (stream !== null && isLive(stream) ? stream : null),
    release() {
      stream?.getTracks().forEach((track) => track.stop());
      stream = null;
    },
  };
}

const sharedMicrophone = createMicrophoneProvider(() => (typeof navigator === "undefined" ? undefined : navigator.mediaDevices));

/**
 * The page's microphone stream: asks for permission on the first call only, and again only when
 * the previous stream's track has ended. Call it from a user gesture. Rejects with a
 * {@link RecordingError} (`microphone-denied`, `-missing`, `-busy`, `-unsupported`, `-failed`).
 * The stream stays live after a recording stops; {@link releaseSharedMicrophone} ends it.
 */
export function getSharedMicrophone(): Promise<MediaStream> {
  return sharedMicrophone.get();
}

/** Stops the shared microphone (e.g. when the user leaves the recording screen); the next {@link getSharedMicrophone} asks again. */
export function releaseSharedMicrophone(): void {
  sharedMicrophone.release();
}

// ---------------------------------------------------------------------------------------------
// Pure parts

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

  /** Resamples what is left and returns the whole output; the resampler is spent afterwards. */
  finish(): Float32Array {
    if (this.fromRate !== this.toRate) {
      const expected = Math.floor(this.total / this.ratio);
      const at = (this.produced / this.outStep) * this.inStep;
      if (expected > this.produced) this.emitExact(at, this.total, expected - this.produced);
    }
    const length = this.output.reduce((sum, part) => sum + part.length, 0);
    const all = new Float32Array(length);
    let offset = 0;
    for (const part of this.output) {
      all.set(part, offset);
      offset += part.length;
    }
    this.output.length = 0;
    this.buffer = new Float32Array(0);
    this.bufferLength = 0;
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

/**
 * Turns a stream of chunks into a level reading every `intervalSamples` samples: the RMS of the
 * samples since the last reading, 0..1 (a full-scale sine reads ~0.71; speech usually 0.02–0.3;
 * {@link levelToMeter} spreads that for display).
 */
export class LevelMeter {
  private sum = 0;
  private count = 0;

  constructor(
    private readonly intervalSamples: number,
    private readonly onLevel: (rms: number) => void,
  ) {
    if (!(intervalSamples > 0)) throw new RangeError(`invalid level interval ${intervalSamples}`);
  }

  /** Adds samples, calling `onLevel` each time an interval fills up. */
  push(chunk: Float32Array): void {
    for (const value of chunk) {
      this.sum += value * value;
      this.count += 1;
      if (this.count >= this.intervalSamples) {
        this.onLevel(Math.min(1, Math.sqrt(this.sum / this.count)));
        this.sum = 0;
        this.count = 0;
      }
    }
  }

  /** Forgets the partial interval (after a pause, say). */
  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * Maps an RMS level (0..1) to a meter position (0..1) on a decibel scale from `floorDb` (default
 * −60 dBFS → 0) to 0 dBFS (→ 1), so quiet speech still moves the meter.
 */
export function levelToMeter(rms: number, floorDb = -60): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(Math.min(1, rms));
  return Math.min(1, Math.max(0, 1 - db / floorDb));
}

/** Elapsed-time bookkeeping that leaves out pauses. Times are milliseconds from any monotonic clock. */
export class ElapsedClock {
  private accumulated = 0;
  private runningSince: number | null = null;

  /** Starts or resumes counting at `now`; does nothing if already counting. */
  start(now: number): void {
    this.runningSince ??= now;
  }

  /** Stops counting at `now` (pause or stop); does nothing if not counting. */
  pause(now: number): void {
    if (this.runningSince === null) return;
    this.accumulated += Math.max(0, now - this.runningSince);
    this.runningSince = null;
  }

  /** True while counting. */
  get running(): boolean {
    return this.runningSince !== null;
  }

  /** Milliseconds counted up to `now`. */
  elapsed(now: number): number {
    return this.accumulated + (this.runningSince === null ? 0 : Math.max(0, now - this.runningSince));
  }
}

/** The AudioWorklet processor's registered name. */
export const RECORDER_PROCESSOR_NAME = "whisper-recorder";

/**
 * The AudioWorklet module's source. It averages the input's channels to mono and posts
 * `{ type: "audio", samples }` batches of `processorOptions.batchSize` samples (transferred);
 * it answers `pause`, `resume` and `stop` messages (`stop` flushes and replies `{ type: "stopped" }`).
 * Plain ES2017 so every browser with AudioWorklet runs it.
 */
export const RECORDER_WORKLET_SOURCE = `
class WhisperRecorderProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const size = options && options.processorOptions && options.processorOptions.batchSize;
    this.buffer = new Float32Array(size > 0 ? size : 2048);
    this.filled = 0;
    this.capturing = true;
    this.stopped = false;
    this.port.onmessage = (event) => {
      const type = event.data && event.data.type;
      if (type === "pause") {
        this.flush();
        this.capturing = false;
      } else if (type === "resume") {
        this.capturing = true;
      } else if (type === "stop") {
        this.flush();
        this.stopped = true;
        this.port.postMessage({ type: "stopped" });
      }
    };
  }
  flush() {
    if (this.filled === 0) return;
    const samples = this.buffer.slice(0, this.filled);
    this.filled = 0;
    this.port.postMessage({ type: "audio", samples: samples }, [samples.buffer]);
  }
  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    if (!this.capturing || !input || input.length === 0) return true;
    const channels = input.length;
    const frames = input[0].length;
    for (let i = 0; i < frames; i += 1) {
      let sum = 0;
      for (let c = 0; c < channels; c += 1) sum += input[c][i];
      this.buffer[this.filled] = sum / channels;
      this.filled += 1;
      if (this.filled === this.buffer.length) this.flush();
    }
    return true;
  }
}
registerProcessor(${JSON.stringify(RECORDER_PROCESSOR_NAME)}, WhisperRecorderProcessor);
`;

/** Is `data` a batch of samples posted by the worklet? */
function isAudioMessage(data: unknown): data is { type: "audio"; samples: Float32Array } {
  return typeof data === "object" && data !== null && Reflect.get(data, "type") === "audio" && Reflect.get(data, "samples") instanceof Float32Array;
}

function isStoppedMessage(data: unknown): boolean {
  return typeof data === "object" && data !== null && Reflect.get(data, "type") === "stopped";
}

// ---------------------------------------------------------------------------------------------
// The recorder

/** Where a {@link Recorder} stands. */
export type RecorderState = "idle" | "starting" | "recording" | "paused" | "stopped";

/** A recording in progress; make one with {@link createRecorder}. */
export interface Recorder {
  readonly state: RecorderState;
  /** Sets up audio and starts capturing. Call it from a user gesture (a click), or the AudioContext may stay suspended. */
  start(): Promise<void>;
  /** Stops capturing until {@link Recorder.resume}; paused time is not recorded and not counted. */
  pause(): void;
  resume(): void;
  /** Ends the recording and returns it as 16 kHz mono. The stream is left running (it may be shared). */
  stop(): Promise<Float32Array>;
  /** Ends the recording and throws the audio away. */
  cancel(): void;
  /** Recorded time so far in milliseconds, pauses excluded. */
  elapsedMs(): number;
}

/** Callbacks and seams of {@link createRecorder}. */
export interface RecorderOptions {
  /** Called ~20 times a second while recording with the RMS level (0..1) and the elapsed milliseconds; once with 0 on pause. */
  readonly onLevel?: (rms: number, elapsedMs: number) => void;
  /** Called when the microphone stops by itself mid-recording; call `stop()` to keep what was recorded. */
  readonly onInterrupted?: (error: RecordingError) => void;
  /** Level readings per second; default 20. */
  readonly levelsPerSecond?: number;
  /** Default `new AudioContext()`. */
  readonly createContext?: () => AudioContext;
  /** Default `performance.now`. */
  readonly now?: () => number;
  /** Force the ScriptProcessor path (for browsers whose AudioWorklet is broken). */
  readonly forceScriptProcessor?: boolean;
}

/** Milliseconds `stop()` waits for the worklet's last batch before giving up on it. */
const STOP_TIMEOUT_MS = 1_000;

interface Capture {
  readonly sampleRate: number;
  pause(): void;
  resume(): void;
  /** Resolves once every captured sample has been delivered. */
  stop(): Promise<void>;
  dispose(): void;
}

async function startWorklet(context: AudioContext, source: MediaStreamAudioSourceNode, batchSize: number, deliver: (samples: Float32Array) => void): Promise<Capture> {
  const url = URL.createObjectURL(new Blob([RECORDER_WORKLET_SOURCE], { type: "text/javascript" }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const node = new AudioWorkletNode(context, RECORDER_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { batchSize },
  });
  let onStopped: (() => void) | null = null;
  node.port.onmessage = (event: MessageEvent<unknown>) => {
    if (isAudioMessage(event.data)) deliver(event.data.samples);
    else if (isStoppedMessage(event.data)) onStopped?.();
  };
  source.connect(node);
  // The node outputs silence; connecting it keeps it pulled by the graph in every browser.
  node.connect(context.destination);
  return {
    sampleRate: context.sampleRate,
    pause: () => node.port.postMessage({ type: "pause" }),
    resume: () => node.port.postMessage({ type: "resume" }),
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          log.warn("the recorder worklet did not answer stop; keeping what arrived");
          resolve();
        }, STOP_TIMEOUT_MS);
        onStopped = () => {
          clearTimeout(timer);
          resolve();
        };
        node.port.postMessage({ type: "stop" });
      }),
    dispose: () => {
      node.port.onmessage = null;
      source.disconnect();
      node.disconnect();
    },
  };
}

function startScriptProcessor(context: AudioContext, source: MediaStreamAudioSourceNode, deliver: (samples: Float32Array) => void): Capture {
  const node = context.createScriptProcessor(4096, 1, 1);
  let capturing = true;
  node.onaudioprocess = (event: AudioProcessingEvent) => {
    if (capturing) deliver(event.inputBuffer.getChannelData(0).slice());
  };
  source.connect(node);
  node.connect(context.destination);
  return {
    sampleRate: context.sampleRate,
    pause: () => {
      capturing = false;
    },
    resume: () => {
      capturing = true;
    },
    stop: async () => {
      capturing = false;
    },
    dispose: () => {
      node.onaudioprocess = null;
      source.disconnect();
      node.disconnect();
    },
  };
}

/**
 * A recorder for `stream` (usually {@link getSharedMicrophone}'s). One recording per recorder:
 * `start()`, any number of `pause()`/`resume()`, then `stop()` for the audio or `cancel()`.
 * Throws {@link RecordingError} `recorder-state` when used out of order and `recorder-audio` when
 * Web Audio cannot be set up.
 */
export function createRecorder(stream: MediaStream, options: RecorderOptions = {}): Recorder {
  const now = options.now ?? (() => performance.now());
  const clock = new ElapsedClock();
  let state: RecorderState = "idle";
  let context: AudioContext | null = null;
  let capture: Capture | null = null;
  let resampler: StreamingResampler | null = null;
  let meter: LevelMeter | null = null;
  let stopping: Promise<Float32Array> | null = null;
  const track = stream.getAudioTracks()[0];

  const onTrackEnded = (): void => {
    if (state !== "recording" && state !== "paused") return;
    clock.pause(now());
    options.onInterrupted?.(new RecordingError("microphone-ended", "The microphone stopped while recording. What was recorded so far is kept."));
  };

  const deliver = (samples: Float32Array): void => {
    if (state !== "recording" && state !== "paused" && stopping === null) return;
    resampler?.push(samples);
    if (state === "recording") meter?.push(samples);
  };

  const teardown = (): void => {
    track?.removeEventListener("ended", onTrackEnded);
    capture?.dispose();
    capture = null;
    const closing = context;
    context = null;
    if (closing !== null && closing.state !== "closed") closing.close().catch((error: unknown) => log.warn("closing the AudioContext failed", error));
  };

  const requireState = (allowed: readonly RecorderState[], action: string): void => {
    if (!allowed.includes(state)) throw new RecordingError("recorder-state", `Cannot ${action} a recorder that is ${state}.`, { context: { state, action } });
  };

  return {
    get state() {
      return state;
    },
    async start() {
      requireState(["idle"], "start");
      if (track === undefined || track.readyState !== "live") throw new RecordingError("microphone-ended", "The microphone is not available any more. Try again.");
      state = "starting";
      try {
        context = options.createContext?.() ?? new AudioContext({ latencyHint: "interactive" });
        if (context.state === "suspended") await context.resume();
        const source = context.createMediaStreamSource(stream);
        const rate = context.sampleRate;
        resampler = new StreamingResampler(rate, SAMPLE_RATE);
        const levelsPerSecond = options.levelsPerSecond ?? 20;
        meter = new LevelMeter(Math.max(1, Math.round(rate / levelsPerSecond)), (rms) => options.onLevel?.(rms, clock.elapsed(now())));
        const canWorklet = options.forceScriptProcessor !== true && typeof AudioWorkletNode === "function" && context.audioWorklet !== undefined;
        if (canWorklet) {
          try {
            capture = await startWorklet(context, source, Math.max(128, Math.round(rate / (levelsPerSecond * 2))), deliver);
          } catch (error) {
            log.warn("AudioWorklet unavailable, recording with a ScriptProcessor", error);
          }
        }
        capture ??= startScriptProcessor(context, source, deliver);
      } catch (cause) {
        state = "stopped";
        teardown();
        throw cause instanceof RecordingError ? cause : new RecordingError("recorder-audio", "Recording could not start: this browser's audio system refused.", { cause });
      }
      if (state !== "starting") {
        // cancel() was called while starting.
        teardown();
        return;
      }
      track.addEventListener("ended", onTrackEnded);
      state = "recording";
      clock.start(now());
    },
    pause() {
      requireState(["recording", "paused"], "pause");
      if (state === "paused") return;
      state = "paused";
      clock.pause(now());
      capture?.pause();
      meter?.reset();
      options.onLevel?.(0, clock.elapsed(now()));
    },
    resume() {
      requireState(["recording", "paused"], "resume");
      if (state === "recording") return;
      state = "recording";
      capture?.resume();
      clock.start(now());
    },
    stop() {
      if (stopping !== null) return stopping;
      requireState(["recording", "paused"], "stop");
      clock.pause(now());
      const active = capture;
      stopping = (async () => {
        try {
          await active?.stop();
        } finally {
          state = "stopped";
          teardown();
        }
        const audio = resampler?.finish() ?? new Float32Array(0);
        resampler = null;
        return audio;
      })();
      return stopping;
    },
    cancel() {
      if (state === "stopped") return;
      state = "stopped";
      clock.pause(now());
      teardown();
      resampler = null;
    },
    elapsedMs: () => clock.elapsed(now()),
  };
}

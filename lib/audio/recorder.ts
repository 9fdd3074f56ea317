/**
 * Microphone recording in the browser, straight to what the model takes: 16 kHz mono Float32 PCM.
 *
 * {@link createRecorder} captures a stream (usually the shared microphone's, see ./microphone)
 * through an AudioContext and an AudioWorklet (./capture), with pause/resume, a level meter (~20×/s)
 * and an elapsed time that leaves out pauses. Audio is resampled to 16 kHz while recording
 * (./streaming-resampler), so `stop()` returns at once even after a long recording. With
 * `onAudio` the 16 kHz audio is handed over as it is made and not kept, so a recording of any length
 * holds only a fraction of a second here (the live transcription takes it from there).
 */
import { createLogger } from "../logger";
import { startScriptProcessor, startWorklet, type Capture } from "./capture";
import { ElapsedClock } from "./elapsed-clock";
import { LevelMeter } from "./level-meter";
import { RecordingError } from "./recording-error";
import { SAMPLE_RATE } from "./sample-rate";
import { StreamingResampler } from "./streaming-resampler";

const log = createLogger("recorder");

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
  /**
   * Ends the recording and returns it as 16 kHz mono (empty with `onAudio`, which has had all of it
   * by the time this resolves). The stream is left running (it may be shared).
   */
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
  /**
   * Called with each piece of 16 kHz mono audio as soon as it is resampled (a few times a second),
   * in order; the recorder then keeps none of it. The last piece comes before `stop()` resolves.
   */
  readonly onAudio?: (samples: Float32Array) => void;
  /** Force the ScriptProcessor path (for browsers whose AudioWorklet is broken). */
  readonly forceScriptProcessor?: boolean;
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
    if (options.onAudio !== undefined && resampler !== null && resampler.pendingOutput > 0) options.onAudio(resampler.take());
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
        if (options.onAudio === undefined) return audio;
        if (audio.length > 0) options.onAudio(audio);
        return new Float32Array(0);
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

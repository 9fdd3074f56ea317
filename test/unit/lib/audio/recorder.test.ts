import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resample } from "../../../../lib/audio/format";
import {
  ElapsedClock,
  LevelMeter,
  RECORDER_PROCESSOR_NAME,
  RECORDER_WORKLET_SOURCE,
  RecordingError,
  StreamingResampler,
  createMicrophoneProvider,
  createRecorder,
  levelToMeter,
  microphoneErrorFrom,
  type MediaDevicesLike,
} from "../../../../lib/audio/recorder";

function tone(length: number, rate: number, seed = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.2 * Math.sin((2 * Math.PI * (1234 + seed) * i) / rate + 0.3));
}

function chunked(samples: Float32Array, sizes: readonly number[]): Float32Array[] {
  const out: Float32Array[] = [];
  let offset = 0;
  for (let i = 0; offset < samples.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 128;
    out.push(samples.slice(offset, offset + size));
    offset += size;
  }
  return out;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

describe("StreamingResampler", () => {
  it.each([
    [48_000, 16_000],
    [44_100, 16_000],
    [22_050, 16_000],
    [8_000, 16_000],
    [96_000, 16_000],
    [16_000, 16_000],
  ])("matches one resample() call from %i Hz", (from, to) => {
    const input = tone(Math.round(from * 1.37), from);
    const streaming = new StreamingResampler(from, to, 0.25);
    for (const chunk of chunked(input, [128, 1000, 4096, 7, 2400])) streaming.push(chunk);
    expect(streaming.inputLength).toBe(input.length);
    const expected = resample(input, from, to);
    const actual = streaming.finish();
    expect(actual.length).toBe(expected.length);
    expect(maxDifference(actual, expected)).toBeLessThan(1e-5);
  });

  it("handles recordings shorter than one block, and empty ones", () => {
    const short = tone(300, 48_000);
    const streaming = new StreamingResampler(48_000);
    streaming.push(short);
    expect(maxDifference(streaming.finish(), resample(short, 48_000, 16_000))).toBeLessThan(1e-6);
    expect(new StreamingResampler(48_000).finish()).toHaveLength(0);
  });

  it("keeps only a bounded amount of input while recording", () => {
    const streaming = new StreamingResampler(48_000, 16_000, 0.5);
    const chunk = tone(4800, 48_000);
    for (let i = 0; i < 100; i += 1) streaming.push(chunk); // 10 s
    const buffered = Reflect.get(streaming, "bufferLength");
    expect(typeof buffered === "number" && buffered < 48_000 * 1.5).toBe(true);
    expect(streaming.finish().length).toBe(Math.floor((4800 * 100) / 3));
  });

  it("refuses bad rates", () => {
    expect(() => new StreamingResampler(0)).toThrow(RangeError);
    expect(() => new StreamingResampler(48_000, Number.NaN)).toThrow(RangeError);
  });
});

describe("LevelMeter", () => {
  it("reports the RMS of each interval, carrying partial intervals across chunks", () => {
    const levels: number[] = [];
    const meter = new LevelMeter(100, (rms) => levels.push(rms));
    meter.push(new Float32Array(60).fill(0.5));
    expect(levels).toEqual([]);
    meter.push(new Float32Array(60).fill(0.5));
    expect(levels).toEqual([0.5]);
    meter.push(new Float32Array(180).fill(-0.25));
    expect(levels).toHaveLength(3);
    expect(levels[1]).toBeCloseTo(Math.sqrt((20 * 0.25 + 80 * 0.0625) / 100), 10);
    expect(levels[2]).toBeCloseTo(0.25, 10);
  });

  it("clamps to 1 and forgets the partial interval on reset", () => {
    const levels: number[] = [];
    const meter = new LevelMeter(4, (rms) => levels.push(rms));
    meter.push(Float32Array.of(2, 2, 2, 2));
    meter.push(Float32Array.of(1, 1, 1));
    meter.reset();
    meter.push(Float32Array.of(0, 0, 0, 0));
    expect(levels).toEqual([1, 0]);
    expect(() => new LevelMeter(0, () => undefined)).toThrow(RangeError);
  });

  it("maps levels to a meter on a decibel scale", () => {
    expect(levelToMeter(0)).toBe(0);
    expect(levelToMeter(1)).toBe(1);
    expect(levelToMeter(0.001)).toBeCloseTo(0, 10);
    expect(levelToMeter(0.0001)).toBe(0);
    expect(levelToMeter(0.1)).toBeCloseTo(2 / 3, 10);
    expect(levelToMeter(5)).toBe(1);
    expect(levelToMeter(Number.NaN)).toBe(0);
  });
});

describe("ElapsedClock", () => {
  it("counts running time only", () => {
    const clock = new ElapsedClock();
    expect(clock.elapsed(100)).toBe(0);
    clock.start(1_000);
    expect(clock.running).toBe(true);
    expect(clock.elapsed(1_500)).toBe(500);
    clock.pause(2_000);
    expect(clock.running).toBe(false);
    expect(clock.elapsed(9_000)).toBe(1_000);
    clock.start(10_000);
    expect(clock.elapsed(10_250)).toBe(1_250);
    clock.pause(11_000);
    expect(clock.elapsed(20_000)).toBe(2_000);
  });

  it("ignores repeated starts and pauses and clocks going backwards", () => {
    const clock = new ElapsedClock();
    clock.start(0);
    clock.start(500);
    clock.pause(1_000);
    clock.pause(5_000);
    expect(clock.elapsed(6_000)).toBe(1_000);
    clock.start(2_000);
    expect(clock.elapsed(1_000)).toBe(1_000);
  });
});

describe("microphone errors", () => {
  it.each([
    ["NotAllowedError", "microphone-denied"],
    ["SecurityError", "microphone-denied"],
    ["NotFoundError", "microphone-missing"],
    ["OverconstrainedError", "microphone-missing"],
    ["NotReadableError", "microphone-busy"],
    ["AbortError", "microphone-busy"],
    ["TypeError", "microphone-unsupported"],
    ["WeirdError", "microphone-failed"],
  ])("maps %s to %s", (name, code) => {
    const cause = new DOMException("x", name);
    const error = microphoneErrorFrom(cause);
    expect(error).toBeInstanceOf(RecordingError);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
  });

  it("passes RecordingErrors through and copes with non-errors", () => {
    const original = new RecordingError("microphone-ended", "gone");
    expect(microphoneErrorFrom(original)).toBe(original);
    expect(microphoneErrorFrom("nope").code).toBe("microphone-failed");
  });
});

class FakeTrack extends EventTarget {
  readyState: "live" | "ended" = "live";
  stopped = false;
  stop(): void {
    this.stopped = true;
    this.readyState = "ended";
  }
  end(): void {
    this.readyState = "ended";
    this.dispatchEvent(new Event("ended"));
  }
}

function fakeStream(track = new FakeTrack()): { stream: MediaStream; track: FakeTrack } {
  const stream = { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  return { stream, track };
}

describe("createMicrophoneProvider", () => {
  it("asks once and reuses the live stream, also for concurrent callers", async () => {
    const { stream } = fakeStream();
    const getUserMedia = vi.fn(async () => stream);
    const provider = createMicrophoneProvider(() => ({ getUserMedia }));
    const [a, b] = await Promise.all([provider.get(), provider.get()]);
    expect(await provider.get()).toBe(stream);
    expect(a).toBe(stream);
    expect(b).toBe(stream);
    expect(getUserMedia).toHaveBeenCalledTimes(1);
    expect(getUserMedia).toHaveBeenCalledWith({ audio: expect.objectContaining({ echoCancellation: true }), video: false });
    expect(provider.current()).toBe(stream);
  });

  it("asks again once the track has ended", async () => {
    const first = fakeStream();
    const second = fakeStream();
    const streams = [first.stream, second.stream];
    const getUserMedia = vi.fn(async () => streams.shift() ?? second.stream);
    const provider = createMicrophoneProvider(() => ({ getUserMedia }));
    expect(await provider.get()).toBe(first.stream);
    first.track.end();
    expect(provider.current()).toBeNull();
    expect(await provider.get()).toBe(second.stream);
    expect(getUserMedia).toHaveBeenCalledTimes(2);
  });

  it("does not remember a refusal", async () => {
    const { stream } = fakeStream();
    let refuse = true;
    const devices: MediaDevicesLike = {
      getUserMedia: async () => {
        if (refuse) throw new DOMException("denied", "NotAllowedError");
        return stream;
      },
    };
    const provider = createMicrophoneProvider(() => devices);
    await expect(provider.get()).rejects.toMatchObject({ code: "microphone-denied" });
    refuse = false;
    expect(await provider.get()).toBe(stream);
  });

  it("stops the tracks on release and asks again after", async () => {
    const first = fakeStream();
    const getUserMedia = vi.fn(async () => first.stream);
    const provider = createMicrophoneProvider(() => ({ getUserMedia }));
    await provider.get();
    provider.release();
    expect(first.track.stopped).toBe(true);
    expect(provider.current()).toBeNull();
    first.track.readyState = "live";
    await provider.get();
    expect(getUserMedia).toHaveBeenCalledTimes(2);
  });

  it("says unsupported without mediaDevices (insecure page)", async () => {
    await expect(createMicrophoneProvider(() => undefined).get()).rejects.toMatchObject({ name: "RecordingError", code: "microphone-unsupported" });
  });
});

/** Runs the worklet source against stand-ins for AudioWorkletGlobalScope. */
function loadWorklet(): { create: (options?: unknown) => { process: (inputs: Float32Array[][]) => boolean; posted: unknown[]; receive: (data: unknown) => void } } {
  const registered = new Map<string, new (options?: unknown) => { process: (inputs: Float32Array[][]) => boolean; port: { onmessage: ((event: { data: unknown }) => void) | null } }>();
  class AudioWorkletProcessor {
    readonly posted: unknown[] = [];
    readonly port = {
      onmessage: null as ((event: { data: unknown }) => void) | null,
      postMessage: (data: unknown) => this.posted.push(data),
    };
  }
  runInNewContext(RECORDER_WORKLET_SOURCE, {
    AudioWorkletProcessor,
    Float32Array,
    registerProcessor: (name: string, ctor: never) => registered.set(name, ctor),
  });
  const Processor = registered.get(RECORDER_PROCESSOR_NAME);
  if (Processor === undefined) throw new Error("the worklet did not register its processor");
  return {
    create: (options) => {
      const processor = new Processor(options);
      return {
        process: (inputs) => processor.process(inputs),
        posted: (processor as unknown as AudioWorkletProcessor).posted,
        receive: (data) => processor.port.onmessage?.({ data }),
      };
    },
  };
}

describe("the worklet module", () => {
  it("mixes to mono and posts batches of the asked size", () => {
    const node = loadWorklet().create({ processorOptions: { batchSize: 256 } });
    const left = new Float32Array(128).fill(0.5);
    const right = new Float32Array(128).fill(-0.1);
    expect(node.process([[left, right]])).toBe(true);
    expect(node.posted).toHaveLength(0);
    node.process([[left, right]]);
    expect(node.posted).toHaveLength(1);
    const [message] = node.posted as Array<{ type: string; samples: Float32Array }>;
    expect(message?.type).toBe("audio");
    expect(message?.samples).toHaveLength(256);
    expect(message?.samples[0]).toBeCloseTo(0.2, 6);
  });

  it("flushes on pause, skips input while paused, and flushes and answers on stop", () => {
    const node = loadWorklet().create({ processorOptions: { batchSize: 1000 } });
    const block = [[new Float32Array(128).fill(0.25)]];
    node.process(block);
    node.receive({ type: "pause" });
    expect(node.posted).toEqual([{ type: "audio", samples: expect.any(Float32Array) }]);
    node.process(block);
    node.receive({ type: "resume" });
    node.process(block);
    node.process([[]]);
    node.receive({ type: "stop" });
    expect(node.posted).toHaveLength(3);
    expect((node.posted[1] as { samples: Float32Array }).samples).toHaveLength(128);
    expect(node.posted[2]).toEqual({ type: "stopped" });
    expect(node.process(block)).toBe(false);
  });

  it("defaults the batch size", () => {
    const node = loadWorklet().create(undefined);
    for (let i = 0; i < 16; i += 1) node.process([[new Float32Array(128)]]);
    expect(node.posted).toHaveLength(1);
  });
});

/** A fake AudioContext with a fake AudioWorkletNode: the test plays the audio thread. */
function fakeAudio(sampleRate = 48_000) {
  const nodes: FakeWorkletNode[] = [];
  const modules: string[] = [];
  const context = {
    sampleRate,
    state: "suspended" as AudioContextState,
    destination: {},
    audioWorklet: { addModule: vi.fn(async (url: string) => void modules.push(url)) },
    resume: vi.fn(async () => {
      context.state = "running";
    }),
    close: vi.fn(async () => {
      context.state = "closed";
    }),
    createMediaStreamSource: vi.fn(() => ({ connect: vi.fn(), disconnect: vi.fn() })),
    createScriptProcessor: vi.fn(),
  };
  class FakeWorkletNode {
    readonly port = {
      onmessage: null as ((event: { data: unknown }) => void) | null,
      postMessage: vi.fn((data: { type: string }) => {
        if (data.type === "stop") queueMicrotask(() => this.port.onmessage?.({ data: { type: "stopped" } }));
      }),
    };
    readonly connect = vi.fn();
    readonly disconnect = vi.fn();
    constructor(
      readonly ctx: unknown,
      readonly name: string,
      readonly options: { processorOptions: { batchSize: number } },
    ) {
      nodes.push(this);
    }
    /** Plays `samples` as the processor would post them. */
    send(samples: Float32Array): void {
      this.port.onmessage?.({ data: { type: "audio", samples } });
    }
  }
  return { context, nodes, modules, FakeWorkletNode };
}

describe("createRecorder", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("records through the worklet and returns 16 kHz audio, excluding paused time", async () => {
    const audio = fakeAudio();
    vi.stubGlobal("AudioWorkletNode", audio.FakeWorkletNode);
    const { stream } = fakeStream();
    let time = 0;
    const levels: Array<[number, number]> = [];
    const recorder = createRecorder(stream, { createContext: () => audio.context as unknown as AudioContext, now: () => time, onLevel: (rms, ms) => levels.push([rms, ms]) });
    expect(recorder.state).toBe("idle");
    await recorder.start();
    expect(recorder.state).toBe("recording");
    expect(audio.context.resume).toHaveBeenCalled();
    expect(audio.modules[0]).toMatch(/^blob:/);
    const node = audio.nodes[0];
    expect(node?.name).toBe(RECORDER_PROCESSOR_NAME);
    const batch = node?.options.processorOptions.batchSize ?? 0;
    expect(batch).toBe(1200);

    const input = tone(48_000, 48_000);
    for (const chunk of chunked(input.subarray(0, 24_000), [batch])) node?.send(chunk);
    time = 500;
    expect(levels.length).toBe(10);
    expect(levels[0]?.[0]).toBeCloseTo(Math.sqrt(0.125 + 0.02), 1);

    recorder.pause();
    expect(recorder.state).toBe("paused");
    expect(node?.port.postMessage).toHaveBeenLastCalledWith({ type: "pause" });
    expect(levels.at(-1)).toEqual([0, 500]);
    time = 5_000;
    expect(recorder.elapsedMs()).toBe(500);
    recorder.resume();
    expect(node?.port.postMessage).toHaveBeenLastCalledWith({ type: "resume" });
    for (const chunk of chunked(input.subarray(24_000), [batch])) node?.send(chunk);
    time = 5_500;
    expect(recorder.elapsedMs()).toBe(1_000);

    const result = await recorder.stop();
    expect(recorder.state).toBe("stopped");
    expect(result.length).toBe(16_000);
    expect(maxDifference(result, resample(input, 48_000, 16_000))).toBeLessThan(1e-5);
    expect(audio.context.close).toHaveBeenCalled();
    expect(node?.disconnect).toHaveBeenCalled();
    expect(await recorder.stop()).toBe(result);
    time = 9_000;
    expect(recorder.elapsedMs()).toBe(1_000);
  });

  it("falls back to a ScriptProcessor without AudioWorklet", async () => {
    const audio = fakeAudio(44_100);
    let onaudioprocess: ((event: { inputBuffer: { getChannelData: (c: number) => Float32Array } }) => void) | null = null;
    const processor = {
      connect: vi.fn(),
      disconnect: vi.fn(),
      set onaudioprocess(handler: typeof onaudioprocess) {
        onaudioprocess = handler;
      },
      get onaudioprocess() {
        return onaudioprocess;
      },
    };
    audio.context.createScriptProcessor.mockReturnValue(processor);
    const { stream } = fakeStream();
    const recorder = createRecorder(stream, { createContext: () => audio.context as unknown as AudioContext });
    await recorder.start();
    const input = tone(4096 * 3, 44_100);
    const play = (chunk: Float32Array) => onaudioprocess?.({ inputBuffer: { getChannelData: () => chunk } });
    play(input.subarray(0, 4096));
    recorder.pause();
    play(new Float32Array(4096).fill(1)); // dropped while paused
    recorder.resume();
    play(input.subarray(4096, 8192));
    play(input.subarray(8192));
    const result = await recorder.stop();
    expect(maxDifference(result, resample(input, 44_100, 16_000))).toBeLessThan(1e-5);
    expect(processor.disconnect).toHaveBeenCalled();
  });

  it("reports the microphone ending mid-recording and still returns what it had", async () => {
    const audio = fakeAudio(16_000);
    vi.stubGlobal("AudioWorkletNode", audio.FakeWorkletNode);
    const { stream, track } = fakeStream();
    const interruptions: RecordingError[] = [];
    const recorder = createRecorder(stream, { createContext: () => audio.context as unknown as AudioContext, onInterrupted: (e) => interruptions.push(e) });
    await recorder.start();
    audio.nodes[0]?.send(new Float32Array(1600).fill(0.1));
    track.end();
    expect(interruptions.map((e) => e.code)).toEqual(["microphone-ended"]);
    expect(await recorder.stop()).toHaveLength(1600);
  });

  it("refuses out-of-order calls and a dead track", async () => {
    const audio = fakeAudio();
    const { stream, track } = fakeStream();
    const recorder = createRecorder(stream, { createContext: () => audio.context as unknown as AudioContext, forceScriptProcessor: true });
    audio.context.createScriptProcessor.mockReturnValue({ connect: vi.fn(), disconnect: vi.fn() });
    expect(() => recorder.pause()).toThrow(expect.objectContaining({ code: "recorder-state" }));
    expect(() => recorder.stop()).toThrow(expect.objectContaining({ code: "recorder-state" }));
    await recorder.start();
    await expect(recorder.start()).rejects.toMatchObject({ code: "recorder-state" });
    recorder.cancel();
    expect(recorder.state).toBe("stopped");
    expect(audio.context.close).toHaveBeenCalled();
    track.readyState = "ended";
    await expect(createRecorder(stream).start()).rejects.toMatchObject({ code: "microphone-ended" });
  });

  it("turns a Web Audio failure into recorder-audio", async () => {
    const { stream } = fakeStream();
    const recorder = createRecorder(stream, {
      createContext: () => {
        throw new DOMException("no audio", "NotSupportedError");
      },
    });
    await expect(recorder.start()).rejects.toMatchObject({ name: "RecordingError", code: "recorder-audio" });
    expect(recorder.state).toBe("stopped");
  });
});

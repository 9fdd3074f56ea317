import { afterEach, describe, expect, it, vi } from "vitest";
import { resample } from "../../../../lib/audio/format";
import { createRecorder } from "../../../../lib/audio/recorder";
import { RECORDER_PROCESSOR_NAME } from "../../../../lib/audio/capture";
import type { RecordingError } from "../../../../lib/audio/recording-error";
import { chunked, maxDifference, tone } from "../../../support/audio-signals";
import { fakeStream } from "../../../support/fake-media-stream";

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

  it("with onAudio hands the 16 kHz audio over as it is made and keeps none of it", async () => {
    const audio = fakeAudio();
    vi.stubGlobal("AudioWorkletNode", audio.FakeWorkletNode);
    const { stream } = fakeStream();
    const pieces: Float32Array[] = [];
    const recorder = createRecorder(stream, { createContext: () => audio.context as unknown as AudioContext, onAudio: (samples) => pieces.push(samples) });
    await recorder.start();
    const node = audio.nodes[0];
    const input = tone(96_000, 48_000);
    for (const chunk of chunked(input, [1200])) node?.send(chunk);
    // Pieces arrive while recording (a few times a second), not only at the end.
    expect(pieces.length).toBeGreaterThan(4);
    const before = pieces.reduce((sum, piece) => sum + piece.length, 0);
    // All but the resampler's look-ahead (a quarter-second block and its filter margin).
    expect(before).toBeGreaterThan(27_000);
    expect(await recorder.stop()).toHaveLength(0);
    const all = new Float32Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
    let offset = 0;
    for (const piece of pieces) {
      all.set(piece, offset);
      offset += piece.length;
    }
    expect(all.length).toBe(32_000);
    expect(maxDifference(all, resample(input, 48_000, 16_000))).toBeLessThan(1e-5);
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

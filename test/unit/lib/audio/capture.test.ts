import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { RECORDER_PROCESSOR_NAME, RECORDER_WORKLET_SOURCE } from "../../../../lib/audio/capture";

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

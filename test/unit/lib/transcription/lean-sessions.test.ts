// leanSessions wraps a session factory's create(): model bytes go in as a small graph plus the
// same bytes (not a copy) as its external data, and are freed once the session exists;
// everything else passes through untouched.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { leanSessions, releaseModelBytes } from "@/lib/transcription/lean-sessions";

const fixture = new Uint8Array(readFileSync(fileURLToPath(new URL("../../../fixtures/models/whisper-tiny/onnx/encoder_model_quantized.onnx", import.meta.url))));
/** A fresh copy of the encoder file, as transformers.js reads one for every session. */
const encoderFile = (): Uint8Array => fixture.slice();

function fakeFactory(fail: (args: unknown[]) => boolean = () => false): { factory: { create: (...args: unknown[]) => Promise<unknown> }; calls: unknown[][]; sizesAtCall: number[] } {
  const calls: unknown[][] = [];
  const sizesAtCall: number[] = [];
  const factory = {
    async create(...args: unknown[]): Promise<unknown> {
      calls.push(args);
      const external = (args[1] as { externalData?: { data: Uint8Array }[] } | undefined)?.externalData?.[0]?.data;
      sizesAtCall.push(external?.byteLength ?? (args[0] instanceof Uint8Array ? args[0].byteLength : -1));
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (fail(args)) throw new Error("no session");
      return "session";
    },
  };
  return { factory, calls, sizesAtCall };
}

describe("leanSessions", () => {
  it("creates sessions from the graph with the original bytes as external data", async () => {
    const { factory, calls } = fakeFactory();
    leanSessions(factory);
    const encoder = encoderFile();
    const length = encoder.length;
    await expect(factory.create(encoder, { executionProviders: ["wasm"] })).resolves.toBe("session");
    const [graph, options] = calls[0] ?? [];
    expect(graph).toBeInstanceOf(Uint8Array);
    expect((graph as Uint8Array).length).toBeLessThan(length / 2);
    const { externalData, executionProviders } = options as { externalData: { path: string; data: Uint8Array }[]; executionProviders: string[] };
    expect(executionProviders).toEqual(["wasm"]);
    expect(externalData).toHaveLength(1);
    expect(externalData[0]?.data).toBe(encoder);
    expect(new TextDecoder().decode(graph as Uint8Array)).toContain(externalData[0]?.path);
  });

  it("gives each session its own external data name", async () => {
    const { factory, calls } = fakeFactory();
    leanSessions(factory);
    await factory.create(encoderFile());
    await factory.create(encoderFile());
    const paths = calls.map((args) => (args[1] as { externalData: { path: string }[] }).externalData[0]?.path);
    expect(new Set(paths).size).toBe(2);
  });

  it("passes URLs, offsets, external data of the caller's own and unreadable bytes through", async () => {
    const { factory, calls } = fakeFactory();
    leanSessions(factory);
    leanSessions(factory);
    const encoder = encoderFile();
    const own = { externalData: [{ path: "x.onnx_data", data: new Uint8Array(1) }] };
    const garbage = Uint8Array.from([0xff, 0xff, 0xff]);
    await factory.create("https://example.test/model.onnx");
    await factory.create(encoder, own);
    await factory.create(encoder.buffer, 0, encoder.length);
    await factory.create(garbage);
    expect(calls.slice(0, 3)).toEqual([["https://example.test/model.onnx"], [encoder, own], [encoder.buffer, 0, encoder.length]]);
    // The unreadable bytes went through as they came (and were freed after, see below).
    expect(calls[3]).toHaveLength(1);
    expect(calls[3]?.[0]).toBe(garbage);
  });

  it("frees the file's bytes once the session exists, and only then", async () => {
    const { factory, sizesAtCall } = fakeFactory();
    leanSessions(factory);
    const encoder = encoderFile();
    const length = encoder.length;
    const made = factory.create(encoder);
    // ONNX Runtime reads them while it creates the session.
    expect(encoder.byteLength).toBe(length);
    await made;
    expect(sizesAtCall).toEqual([length]);
    expect(encoder.buffer.byteLength).toBe(0);
    // Bytes that are not a model's graph go to ONNX Runtime whole, and are freed the same way.
    const unreadable = Uint8Array.from([0xff, 0xff, 0xff]);
    await factory.create(unreadable);
    expect(unreadable.buffer.byteLength).toBe(0);
  });

  it("keeps the bytes when the create fails, so that a retry can use them", async () => {
    const { factory } = fakeFactory(() => true);
    leanSessions(factory);
    const encoder = encoderFile();
    await expect(factory.create(encoder)).rejects.toThrow("no session");
    expect(encoder.byteLength).toBe(fixture.length);
  });

  it("waits for every create given the same buffer, and leaves views on part of a buffer, the caller's own external data and WebGPU sessions alone", async () => {
    const { factory } = fakeFactory();
    leanSessions(factory);
    const shared = encoderFile();
    const first = factory.create(shared);
    const second = factory.create(shared);
    await first;
    expect(shared.byteLength).toBe(fixture.length);
    await second;
    expect(shared.buffer.byteLength).toBe(0);

    const bigger = new Uint8Array(fixture.length + 16);
    bigger.set(fixture, 16);
    const view = bigger.subarray(16);
    await factory.create(view);
    expect(view.byteLength).toBe(fixture.length);
    const own = encoderFile();
    await factory.create(own, { externalData: [{ path: "x.onnx_data", data: new Uint8Array(1) }] });
    expect(own.byteLength).toBe(fixture.length);
    // WebGPU sessions keep theirs (their upload has not been checked on a GPU).
    const gpu = encoderFile();
    await factory.create(gpu, { executionProviders: ["webgpu"] });
    expect(gpu.byteLength).toBe(fixture.length);
  });

  it("releaseModelBytes detaches a whole buffer once and says so", () => {
    const bytes = encoderFile();
    expect(releaseModelBytes(bytes)).toBe(true);
    expect(bytes.byteLength).toBe(0);
    expect(releaseModelBytes(bytes)).toBe(false);
    expect(releaseModelBytes(new Uint8Array(new SharedArrayBuffer(8)))).toBe(false);
  });
});

// leanSessions wraps a session factory's create(): model bytes go in as a small graph plus the
// same bytes (not a copy) as its external data; everything else passes through untouched.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { leanSessions } from "@/lib/transcription/lean-sessions";

const encoder = new Uint8Array(readFileSync(fileURLToPath(new URL("../../../fixtures/models/whisper-tiny/onnx/encoder_model_quantized.onnx", import.meta.url))));

function fakeFactory(): { factory: { create: (...args: unknown[]) => Promise<unknown> }; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const factory = {
    create(...args: unknown[]): Promise<unknown> {
      calls.push(args);
      return Promise.resolve("session");
    },
  };
  return { factory, calls };
}

describe("leanSessions", () => {
  it("creates sessions from the graph with the original bytes as external data", async () => {
    const { factory, calls } = fakeFactory();
    leanSessions(factory);
    await expect(factory.create(encoder, { executionProviders: ["wasm"] })).resolves.toBe("session");
    const [graph, options] = calls[0] ?? [];
    expect(graph).toBeInstanceOf(Uint8Array);
    expect((graph as Uint8Array).length).toBeLessThan(encoder.length / 2);
    const { externalData, executionProviders } = options as { externalData: { path: string; data: Uint8Array }[]; executionProviders: string[] };
    expect(executionProviders).toEqual(["wasm"]);
    expect(externalData).toHaveLength(1);
    expect(externalData[0]?.data).toBe(encoder);
    expect(new TextDecoder().decode(graph as Uint8Array)).toContain(externalData[0]?.path);
  });

  it("gives each session its own external data name", async () => {
    const { factory, calls } = fakeFactory();
    leanSessions(factory);
    await factory.create(encoder);
    await factory.create(encoder);
    const paths = calls.map((args) => (args[1] as { externalData: { path: string }[] }).externalData[0]?.path);
    expect(new Set(paths).size).toBe(2);
  });

  it("passes URLs, offsets, external data of the caller's own and unreadable bytes through", async () => {
    const { factory, calls } = fakeFactory();
    leanSessions(factory);
    leanSessions(factory);
    const own = { externalData: [{ path: "x.onnx_data", data: new Uint8Array(1) }] };
    const garbage = Uint8Array.from([0xff, 0xff, 0xff]);
    await factory.create("https://example.test/model.onnx");
    await factory.create(encoder, own);
    await factory.create(encoder.buffer, 0, encoder.length);
    await factory.create(garbage);
    expect(calls).toEqual([["https://example.test/model.onnx"], [encoder, own], [encoder.buffer, 0, encoder.length], [garbage]]);
  });
});

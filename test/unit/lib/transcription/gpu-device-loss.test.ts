// GpuDeviceWatch: a failure after ONNX Runtime's WebGPU device was lost becomes a memory
// ModelRunError (so the page steps down to WASM); anything else passes through unchanged.
import { describe, expect, it } from "vitest";
import { DTYPES, type Attempt } from "@/lib/model/catalog";
import { classifyRunError, ModelRunError } from "@/lib/model/run-error";
import { GpuDeviceWatch } from "@/lib/transcription/gpu-device-loss";

const GPU: Attempt = { model: "whisper-tiny", device: "webgpu", dtype: DTYPES.webgpu };
const CPU: Attempt = { model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm };
// What onnxruntime-web 1.31's WebGPU build threw in Chromium once its device was lost.
const ORT_AFTER_LOSS = new TypeError("Cannot read properties of undefined (reading 'destroy')");

function fakeDevice(): { device: { lost: Promise<unknown> }; lose: (info: unknown) => void } {
  let lose: (info: unknown) => void = () => undefined;
  const lost = new Promise<unknown>((resolve) => {
    lose = resolve;
  });
  return { device: { lost }, lose };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe("GpuDeviceWatch", () => {
  it("reports a failure after the device was lost as a memory ModelRunError for WebGPU attempts", async () => {
    const watch = new GpuDeviceWatch();
    const { device, lose } = fakeDevice();
    watch.watch({ device: Promise.resolve(device) });
    await settle();
    expect(watch.explain(ORT_AFTER_LOSS, GPU)).toBe(ORT_AFTER_LOSS);
    lose({ reason: "unknown", message: "A valid external Instance reference no longer exists." });
    await settle();
    expect(watch.lost).toEqual({ reason: "unknown", message: "A valid external Instance reference no longer exists." });
    const explained = watch.explain(ORT_AFTER_LOSS, GPU);
    expect(explained).toBeInstanceOf(ModelRunError);
    expect(classifyRunError(explained)).toBe("memory");
    expect(explained).toMatchObject({ message: "the GPU device was lost (unknown: A valid external Instance reference no longer exists.)", cause: ORT_AFTER_LOSS });
    expect(watch.explain(ORT_AFTER_LOSS, CPU)).toBe(ORT_AFTER_LOSS);
  });

  it("takes the device itself as well as a promise of it, and ignores anything else", async () => {
    const watch = new GpuDeviceWatch();
    const { device, lose } = fakeDevice();
    watch.watch(undefined);
    watch.watch({ device: "not a device" });
    watch.watch({ device });
    lose({});
    await settle();
    expect(watch.lost).toEqual({ reason: "unknown", message: "" });
  });

  it("forgets a device it stopped watching", async () => {
    const watch = new GpuDeviceWatch();
    const first = fakeDevice();
    const second = fakeDevice();
    watch.watch({ device: first.device });
    await settle();
    watch.watch({ device: second.device });
    await settle();
    first.lose({ reason: "destroyed" });
    await settle();
    expect(watch.lost).toBeNull();
  });
});

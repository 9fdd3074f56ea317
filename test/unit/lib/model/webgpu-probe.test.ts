import { describe, expect, test } from "vitest";
import { WEBGPU_DEFAULT_LIMITS, probeWebGpu, readAdapter } from "@/lib/model/webgpu-probe";
import { fakeAdapter } from "./device-fixtures";

describe("probeWebGpu", () => {
  test("no navigator.gpu", async () => {
    expect(await probeWebGpu({})).toEqual({ webgpu: null, status: "unsupported" });
    expect(await probeWebGpu(undefined)).toEqual({ webgpu: null, status: "unsupported" });
  });

  test("navigator.gpu exists but there is no adapter (the reason not to test !!navigator.gpu)", async () => {
    expect(await probeWebGpu({ gpu: { requestAdapter: () => Promise.resolve(null) } })).toEqual({ webgpu: null, status: "no-adapter" });
  });

  test("requestAdapter throws", async () => {
    expect(await probeWebGpu({ gpu: { requestAdapter: () => Promise.reject(new Error("boom")) } })).toEqual({ webgpu: null, status: "error" });
  });

  test("requestAdapter hangs", async () => {
    const never = new Promise<unknown>(() => undefined);
    expect(await probeWebGpu({ gpu: { requestAdapter: () => never } }, 10)).toEqual({ webgpu: null, status: "timeout" });
  });

  test("asks for the high-performance adapter, as ONNX Runtime's WebGPU backend does", async () => {
    const asked: unknown[] = [];
    const requestAdapter = (options?: unknown): Promise<unknown> => {
      asked.push(options);
      return Promise.resolve(fakeAdapter());
    };
    expect((await probeWebGpu({ gpu: { requestAdapter } })).status).toBe("available");
    expect(asked).toEqual([{ powerPreference: "high-performance" }]);
  });

  test("adapter without shader-f16", async () => {
    const result = await probeWebGpu({ gpu: { requestAdapter: () => Promise.resolve(fakeAdapter([])) } });
    expect(result.status).toBe("available");
    expect(result.webgpu?.shaderF16).toBe(false);
  });
});

describe("readAdapter", () => {
  test("missing limits and info fall back to the spec minimums and blanks", () => {
    expect(readAdapter({})).toEqual({
      vendor: "",
      architecture: "",
      isFallbackAdapter: false,
      shaderF16: false,
      maxBufferSize: WEBGPU_DEFAULT_LIMITS.maxBufferSize,
      maxStorageBufferBindingSize: WEBGPU_DEFAULT_LIMITS.maxStorageBufferBindingSize,
    });
  });

  test("the older GPUAdapter.isFallbackAdapter is read too", () => {
    expect(readAdapter({ isFallbackAdapter: true })?.isFallbackAdapter).toBe(true);
    expect(readAdapter({ info: { isFallbackAdapter: true } })?.isFallbackAdapter).toBe(true);
  });

  test("not an object", () => {
    expect(readAdapter(null)).toBeNull();
    expect(readAdapter("adapter")).toBeNull();
  });
});

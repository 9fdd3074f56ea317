import { afterEach, describe, expect, test, vi } from "vitest";
import { applyTestOverride, describeDevice, formatMemoryGb, probeDevice, type DeviceProfile } from "@/lib/model/device-profile";
import { WEBGPU_DEFAULT_LIMITS } from "@/lib/model/webgpu-probe";

// The __WHISPER_TEST_DEVICE__ hook is only read in test builds; these tests play one.
vi.hoisted(() => {
  process.env.NEXT_PUBLIC_TEST_HOOKS = "1";
});

import { fakeAdapter, PROFILE } from "./device-fixtures";

const CHROME_DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const IPHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
const IPAD_DESKTOP_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
const ANDROID_FIREFOX_UA = "Mozilla/5.0 (Android 14; Mobile; rv:130.0) Gecko/130.0 Firefox/130.0";

function chromeScope(extra: Record<string, unknown> = {}, adapter: unknown = fakeAdapter()): Record<string, unknown> {
  return {
    crossOriginIsolated: true,
    navigator: {
      deviceMemory: 8,
      hardwareConcurrency: 8,
      userAgent: CHROME_DESKTOP_UA,
      userAgentData: { mobile: false, platform: "Linux" },
      connection: { saveData: false, effectiveType: "4g" },
      gpu: { requestAdapter: () => Promise.resolve(adapter) },
      ...extra,
    },
  };
}

describe("probeDevice", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test("Chromium desktop with a WebGPU adapter", async () => {
    expect(await probeDevice({ scope: chromeScope() })).toEqual(PROFILE);
  });

  test("Firefox on Android: no deviceMemory, no gpu, phone from the user agent", async () => {
    const profile = await probeDevice({ scope: { navigator: { hardwareConcurrency: 8, userAgent: ANDROID_FIREFOX_UA } } });
    expect(profile).toEqual({
      deviceMemory: undefined,
      webgpu: null,
      webgpuStatus: "unsupported",
      hardwareConcurrency: 8,
      saveData: false,
      effectiveType: undefined,
      mobile: true,
      platform: "Android",
      crossOriginIsolated: false,
    });
  });

  test("iPhone Safari is a phone; iPadOS posing as a Mac is too", async () => {
    expect((await probeDevice({ scope: { navigator: { userAgent: IPHONE_UA } } })).mobile).toBe(true);
    expect((await probeDevice({ scope: { navigator: { userAgent: IPHONE_UA } } })).platform).toBe("iOS");
    expect((await probeDevice({ scope: { navigator: { userAgent: IPAD_DESKTOP_UA, maxTouchPoints: 5 } } })).mobile).toBe(true);
    expect((await probeDevice({ scope: { navigator: { userAgent: IPAD_DESKTOP_UA, maxTouchPoints: 0 } } })).mobile).toBe(false);
  });

  test("userAgentData.mobile wins when it says phone", async () => {
    const profile = await probeDevice({ scope: chromeScope({ userAgentData: { mobile: true, platform: "Android" } }) });
    expect(profile.mobile).toBe(true);
    expect(profile.platform).toBe("Android");
  });

  test("Save-Data and connection type; unknown types ignored", async () => {
    const saving = await probeDevice({ scope: chromeScope({ connection: { saveData: true, effectiveType: "2g" } }) });
    expect(saving.saveData).toBe(true);
    expect(saving.effectiveType).toBe("2g");
    const odd = await probeDevice({ scope: chromeScope({ connection: { saveData: "yes", effectiveType: "5g" } }) });
    expect(odd.saveData).toBe(false);
    expect(odd.effectiveType).toBeUndefined();
  });

  test("nonsense values are treated as unknown", async () => {
    const profile = await probeDevice({ scope: chromeScope({ deviceMemory: "8", hardwareConcurrency: 0 }) });
    expect(profile.deviceMemory).toBeUndefined();
    expect(profile.hardwareConcurrency).toBeUndefined();
  });

  test("no scope object at all", async () => {
    const profile = await probeDevice({ scope: 42 });
    expect(profile.webgpuStatus).toBe("unsupported");
    expect(profile.deviceMemory).toBeUndefined();
  });

  test("reads the real globals by default", async () => {
    vi.stubGlobal("navigator", chromeScope().navigator);
    vi.stubGlobal("crossOriginIsolated", true);
    expect(await probeDevice()).toEqual(PROFILE);
  });
});

describe("the __WHISPER_TEST_DEVICE__ hook", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test("merges over the measured profile and skips the adapter request when it names webgpu", async () => {
    const requestAdapter = vi.fn(() => Promise.resolve(fakeAdapter()));
    const scope = { ...chromeScope({ gpu: { requestAdapter } }), __WHISPER_TEST_DEVICE__: { deviceMemory: 1, webgpu: null, mobile: true } };
    const profile = await probeDevice({ scope });
    expect(requestAdapter).not.toHaveBeenCalled();
    expect(profile).toMatchObject({ deviceMemory: 1, webgpu: null, webgpuStatus: "no-adapter", mobile: true, hardwareConcurrency: 8 });
  });

  test("a partial webgpu object gets the spec minimums", async () => {
    const scope = { navigator: {}, __WHISPER_TEST_DEVICE__: { webgpu: { shaderF16: true } } };
    const profile = await probeDevice({ scope });
    expect(profile.webgpuStatus).toBe("available");
    expect(profile.webgpu).toEqual({
      vendor: "test",
      architecture: "",
      isFallbackAdapter: false,
      shaderF16: true,
      maxBufferSize: WEBGPU_DEFAULT_LIMITS.maxBufferSize,
      maxStorageBufferBindingSize: WEBGPU_DEFAULT_LIMITS.maxStorageBufferBindingSize,
    });
  });

  test("without a webgpu key the real adapter is still probed", async () => {
    const scope = { ...chromeScope(), __WHISPER_TEST_DEVICE__: { hardwareConcurrency: 2 } };
    const profile = await probeDevice({ scope });
    expect(profile.webgpu).toEqual(PROFILE.webgpu);
    expect(profile.hardwareConcurrency).toBe(2);
  });

  test("acceptFallbackAdapter plans with the probed software adapter as with a GPU, all else as probed", async () => {
    const swiftShader = { features: new Set<string>(), limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 }, info: { vendor: "google", architecture: "swiftshader", isFallbackAdapter: true } };
    const scope = { ...chromeScope({}, swiftShader), __WHISPER_TEST_DEVICE__: { acceptFallbackAdapter: true } };
    const profile = await probeDevice({ scope });
    expect(profile.webgpuStatus).toBe("available");
    expect(profile.webgpu).toMatchObject({ vendor: "google", architecture: "swiftshader", isFallbackAdapter: false });
    const without = await probeDevice({ scope: chromeScope({}, swiftShader) });
    expect(without.webgpu?.isFallbackAdapter).toBe(true);
    expect(applyTestOverride({ ...PROFILE, webgpu: null, webgpuStatus: "no-adapter" }, { acceptFallbackAdapter: true }).webgpu).toBeNull();
  });

  test("null means 'not reported', like Firefox", () => {
    expect(applyTestOverride(PROFILE, { deviceMemory: null, hardwareConcurrency: null, effectiveType: null })).toMatchObject({
      deviceMemory: undefined,
      hardwareConcurrency: undefined,
      effectiveType: undefined,
    });
  });

  test("wrong types and unknown keys are ignored; non-objects change nothing", () => {
    expect(applyTestOverride(PROFILE, { deviceMemory: "lots", webgpu: "yes", mobile: 1, evil: () => 1, effectiveType: "6g" })).toEqual(PROFILE);
    expect(applyTestOverride(PROFILE, "phone")).toBe(PROFILE);
    expect(applyTestOverride(PROFILE, undefined)).toBe(PROFILE);
  });

  test("every field can be overridden", () => {
    expect(
      applyTestOverride(PROFILE, {
        deviceMemory: 0.5,
        hardwareConcurrency: 2,
        saveData: true,
        effectiveType: "slow-2g",
        mobile: true,
        platform: "Android",
        crossOriginIsolated: false,
        webgpu: { vendor: "arm", architecture: "valhall", isFallbackAdapter: true, shaderF16: true, maxBufferSize: 1000, maxStorageBufferBindingSize: 500 },
      }),
    ).toEqual({
      deviceMemory: 0.5,
      webgpu: { vendor: "arm", architecture: "valhall", isFallbackAdapter: true, shaderF16: true, maxBufferSize: 1000, maxStorageBufferBindingSize: 500 },
      webgpuStatus: "available",
      hardwareConcurrency: 2,
      saveData: true,
      effectiveType: "slow-2g",
      mobile: true,
      platform: "Android",
      crossOriginIsolated: false,
    });
  });

  test("is ignored outside test builds", async () => {
    vi.resetModules();
    vi.stubEnv("NEXT_PUBLIC_TEST_HOOKS", "");
    try {
      const production = await import("@/lib/model/device-profile");
      const scope = { navigator: {}, __WHISPER_TEST_DEVICE__: { deviceMemory: 1, webgpu: { shaderF16: true } } };
      const profile = await production.probeDevice({ scope });
      expect(profile.deviceMemory).toBeUndefined();
      expect(profile.webgpu).toBeNull();
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  test("is read from globalThis by default", async () => {
    vi.stubGlobal("__WHISPER_TEST_DEVICE__", { deviceMemory: 2, webgpu: null });
    const profile = await probeDevice();
    expect(profile.deviceMemory).toBe(2);
    expect(profile.webgpu).toBeNull();
  });
});

describe("describeDevice", () => {
  test.each([
    [PROFILE, "8 GB memory, WebGPU (shader-f16), 8 cores"],
    [{ ...PROFILE, webgpu: PROFILE.webgpu && { ...PROFILE.webgpu, shaderF16: false } }, "8 GB memory, WebGPU, 8 cores"],
    [{ ...PROFILE, webgpu: PROFILE.webgpu && { ...PROFILE.webgpu, isFallbackAdapter: true } }, "8 GB memory, WebGPU (software fallback), 8 cores"],
    [
      { ...PROFILE, deviceMemory: undefined, webgpu: null, webgpuStatus: "unsupported", hardwareConcurrency: 4, mobile: true },
      "memory not reported, no WebGPU, 4 cores, phone or tablet",
    ],
    [{ ...PROFILE, deviceMemory: 0.5, webgpu: null, webgpuStatus: "timeout", hardwareConcurrency: 1 }, "512 MB memory, no WebGPU (adapter request timed out), 1 core"],
    [
      { ...PROFILE, deviceMemory: 2, hardwareConcurrency: undefined, saveData: true, effectiveType: "2g" },
      "2 GB memory, WebGPU (shader-f16), Save-Data on, slow connection (2g)",
    ],
  ] satisfies readonly (readonly [DeviceProfile, string])[])("%# → %s", (profile, text) => {
    expect(describeDevice(profile)).toBe(text);
  });

  test("formatMemoryGb", () => {
    expect(formatMemoryGb(0.25)).toBe("256 MB");
    expect(formatMemoryGb(1)).toBe("1 GB");
    expect(formatMemoryGb(16)).toBe("16 GB");
    expect(formatMemoryGb(1.5)).toBe("1.5 GB");
  });
});

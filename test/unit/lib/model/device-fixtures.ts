/** A stand-in `GPUAdapter` and a desktop profile for the device probe and session tests. */
import type { DeviceProfile } from "@/lib/model/device-profile";

export const GiB = 1024 ** 3;

/** Like a real GPUSupportedLimits: the limits are getters on the prototype, not own properties. */
class FakeLimits {
  get maxBufferSize(): number {
    return 4 * GiB;
  }
  get maxStorageBufferBindingSize(): number {
    return 2 * GiB;
  }
}

export function fakeAdapter(features: readonly string[] = ["shader-f16"]): unknown {
  return {
    features: new Set(features),
    limits: new FakeLimits(),
    info: { vendor: "nvidia", architecture: "ampere", isFallbackAdapter: false },
  };
}

/** A desktop with 8 GB, an f16-capable WebGPU adapter and 8 cores, cross-origin isolated. */
export const PROFILE: DeviceProfile = {
  deviceMemory: 8,
  webgpu: { vendor: "nvidia", architecture: "ampere", isFallbackAdapter: false, shaderF16: true, maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB },
  webgpuStatus: "available",
  hardwareConcurrency: 8,
  saveData: false,
  effectiveType: "4g",
  mobile: false,
  platform: "Linux",
  crossOriginIsolated: true,
};

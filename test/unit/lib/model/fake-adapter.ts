/** A stand-in `GPUAdapter` for the device probe tests. */

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

/**
 * The WebGPU adapter probe: asks for a real adapter with a time limit and reads the limits and
 * features the planner needs. Run it on the page, once per load (see `probeDevice`).
 */
import { isRecord } from "../guards";
import { positiveNumber, TIMED_OUT, withTimeout } from "./probe-values";

/** How the WebGPU probe ended. */
export type WebGpuStatus =
  /** An adapter was returned; see {@link DeviceProfile.webgpu}. */
  | "available"
  /** `navigator.gpu` is missing (Firefox stable, older Safari, insecure context). */
  | "unsupported"
  /** `requestAdapter()` resolved to `null` (blocklisted GPU, flag off). */
  | "no-adapter"
  /** `requestAdapter()` did not settle in time; some drivers hang here. */
  | "timeout"
  /** `requestAdapter()` threw. */
  | "error";

/** What the planner needs from a WebGPU adapter. */
export interface WebGpuAdapterInfo {
  /** `GPUAdapterInfo.vendor`, e.g. "apple", "intel", "nvidia"; "" when the browser hides it. */
  readonly vendor: string;
  /** `GPUAdapterInfo.architecture`, e.g. "metal-3", "gen-12lp"; "" when hidden. */
  readonly architecture: string;
  /** True for a software adapter (SwiftShader and the like), slower than WASM. */
  readonly isFallbackAdapter: boolean;
  /** The adapter offers the `shader-f16` feature, so fp16 / q4f16 weights can run. */
  readonly shaderF16: boolean;
  /** `limits.maxBufferSize` in bytes (ONNX Runtime asks the device for the adapter's value). */
  readonly maxBufferSize: number;
  /** `limits.maxStorageBufferBindingSize` in bytes (likewise requested at the adapter's value). */
  readonly maxStorageBufferBindingSize: number;
}

/** Default wait for `requestAdapter()`: long enough for a cold GPU process, short enough for a status line. */
export const DEFAULT_WEBGPU_TIMEOUT_MS = 3000;

/**
 * WebGPU's guaranteed minimum limits (spec defaults): any adapter offers at least these. Used when an
 * override or an odd adapter leaves a limit out.
 */
export const WEBGPU_DEFAULT_LIMITS: Readonly<{ maxBufferSize: number; maxStorageBufferBindingSize: number }> = {
  maxBufferSize: 268_435_456,
  maxStorageBufferBindingSize: 134_217_728,
};

interface GpuLike {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<unknown>;
}

function isGpuLike(value: unknown): value is GpuLike {
  return isRecord(value) && typeof value.requestAdapter === "function";
}

interface FeatureSetLike {
  has(name: string): boolean;
}

function isFeatureSet(value: unknown): value is FeatureSetLike {
  return isRecord(value) && typeof value.has === "function";
}

/** Reads the fields of a `GPUAdapter` the planner uses; `null` when it does not look like an adapter. */
export function readAdapter(adapter: unknown): WebGpuAdapterInfo | null {
  if (!isRecord(adapter)) return null;
  const limits = "limits" in adapter ? adapter.limits : undefined;
  const features = "features" in adapter ? adapter.features : undefined;
  const info = "info" in adapter && isRecord(adapter.info) ? adapter.info : undefined;
  // Limits are prototype getters on GPUSupportedLimits: `in` sees them, spreading would not.
  const maxBufferSize = isRecord(limits) && "maxBufferSize" in limits ? positiveNumber(limits.maxBufferSize) : undefined;
  const maxBinding =
    isRecord(limits) && "maxStorageBufferBindingSize" in limits ? positiveNumber(limits.maxStorageBufferBindingSize) : undefined;
  const fallbackFromInfo = info !== undefined && "isFallbackAdapter" in info ? info.isFallbackAdapter : undefined;
  // `GPUAdapter.isFallbackAdapter` is the older spelling, moved to `GPUAdapterInfo` in 2024.
  const fallbackFromAdapter = "isFallbackAdapter" in adapter ? adapter.isFallbackAdapter : undefined;
  return {
    vendor: info !== undefined && typeof info.vendor === "string" ? info.vendor : "",
    architecture: info !== undefined && typeof info.architecture === "string" ? info.architecture : "",
    isFallbackAdapter: fallbackFromInfo === true || fallbackFromAdapter === true,
    shaderF16: isFeatureSet(features) && features.has("shader-f16"),
    maxBufferSize: maxBufferSize ?? WEBGPU_DEFAULT_LIMITS.maxBufferSize,
    maxStorageBufferBindingSize: maxBinding ?? WEBGPU_DEFAULT_LIMITS.maxStorageBufferBindingSize,
  };
}

/**
 * Asks for a real WebGPU adapter (`await navigator.gpu.requestAdapter()`, not `!!navigator.gpu`:
 * the object exists on many machines whose GPU is blocklisted) and waits at most `timeoutMs`.
 * It asks for the high-performance adapter, as ONNX Runtime's WebGPU backend does
 * (WebGpuContext::Initialize), so that on a machine with two GPUs the limits and `shader-f16`
 * the planner reads are those of the GPU the model will run on.
 */
export async function probeWebGpu(
  navigatorLike: unknown,
  timeoutMs: number = DEFAULT_WEBGPU_TIMEOUT_MS,
): Promise<{ readonly webgpu: WebGpuAdapterInfo | null; readonly status: WebGpuStatus }> {
  const gpu = isRecord(navigatorLike) && "gpu" in navigatorLike ? navigatorLike.gpu : undefined;
  if (!isGpuLike(gpu)) return { webgpu: null, status: "unsupported" };
  try {
    const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: "high-performance" }), timeoutMs);
    if (adapter === TIMED_OUT) return { webgpu: null, status: "timeout" };
    const webgpu = readAdapter(adapter);
    return webgpu === null ? { webgpu: null, status: "no-adapter" } : { webgpu, status: "available" };
  } catch {
    return { webgpu: null, status: "error" };
  }
}

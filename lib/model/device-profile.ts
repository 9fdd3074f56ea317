/**
 * The browser-side probe that gathers what the model planner needs to know about this device:
 * memory, WebGPU adapter limits and features, cores, Save-Data / connection type, phone or not.
 *
 * Everything non-standard (`navigator.deviceMemory`, `navigator.gpu`, `navigator.connection`,
 * `navigator.userAgentData`, `performance.memory`) is read as `unknown` and narrowed with `in`
 * checks and small type guards, so the module compiles against any DOM lib and never casts.
 *
 * Run the probe on the page (main thread), not in the worker: the Playwright test hook
 * (`__WHISPER_TEST_DEVICE__`, see {@link WhisperTestDevice}) is set on the page's global object.
 */

/** Values of the Network Information API's `effectiveType`. */
export type EffectiveConnectionType = "slow-2g" | "2g" | "3g" | "4g";
import { isRecord } from "../guards";
import { TEST_HOOKS_ENABLED } from "../transcription/worker-protocol";

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

/** Everything the model planner and the device fingerprint read about this browser and device. */
export interface DeviceProfile {
  /**
   * `navigator.deviceMemory` in GB: Chromium only, rounded to a power of two and capped (0.25 … 8);
   * `undefined` in Firefox and Safari.
   */
  readonly deviceMemory: number | undefined;
  /** The WebGPU adapter, or `null` when there is none (see {@link webgpuStatus} for why). */
  readonly webgpu: WebGpuAdapterInfo | null;
  /** How the WebGPU probe ended. */
  readonly webgpuStatus: WebGpuStatus;
  /** `navigator.hardwareConcurrency`; `undefined` when not reported. */
  readonly hardwareConcurrency: number | undefined;
  /** `navigator.connection.saveData`: the user asked for less data. */
  readonly saveData: boolean;
  /** `navigator.connection.effectiveType`, when reported. */
  readonly effectiveType: EffectiveConnectionType | undefined;
  /** A phone or tablet: `userAgentData.mobile`, else a user-agent match (iPadOS included). */
  readonly mobile: boolean;
  /** Operating system as the browser names it ("Android", "macOS", "Windows", …); "" if unknown. */
  readonly platform: string;
  /** `crossOriginIsolated`: multi-threaded WASM and precise memory measurement are possible. */
  readonly crossOriginIsolated: boolean;
}

/**
 * The shape of `globalThis.__WHISPER_TEST_DEVICE__`, the test-only override hook.
 *
 * Browser tests emulate a device by setting it before the app starts, e.g. in Playwright
 * `page.addInitScript(() => { globalThis.__WHISPER_TEST_DEVICE__ = { deviceMemory: 1, webgpu: null } })`.
 * {@link probeDevice} merges the fields it recognises (and whose types are right) over what it
 * measured; anything else is ignored. A `webgpu` key (an object, possibly partial, or `null`)
 * replaces the adapter probe entirely. Read only in test builds ({@link TEST_HOOKS_ENABLED}, i.e.
 * built with NEXT_PUBLIC_TEST_HOOKS=1); production builds ignore it.
 */
export interface WhisperTestDevice {
  readonly deviceMemory?: number | null;
  readonly webgpu?: Partial<WebGpuAdapterInfo> | null;
  readonly hardwareConcurrency?: number | null;
  readonly saveData?: boolean;
  readonly effectiveType?: EffectiveConnectionType | null;
  readonly mobile?: boolean;
  readonly platform?: string;
  readonly crossOriginIsolated?: boolean;
}

declare global {
  /** Test-only device override; see {@link WhisperTestDevice}. Typed `unknown`: it is validated on read. */
  var __WHISPER_TEST_DEVICE__: unknown;
}

/** Options for {@link probeDevice}. */
export interface ProbeOptions {
  /** Longest wait for `requestAdapter()`, in ms (default {@link DEFAULT_WEBGPU_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** The global object to read `navigator`, `crossOriginIsolated` and (test builds) the test hook from (default `globalThis`); tests pass a fake. */
  readonly scope?: unknown;
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

const EFFECTIVE_TYPES: readonly EffectiveConnectionType[] = ["slow-2g", "2g", "3g", "4g"];

function isEffectiveType(value: unknown): value is EffectiveConnectionType {
  return typeof value === "string" && EFFECTIVE_TYPES.some((type) => type === value);
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
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

interface MeasureMemoryLike {
  measureUserAgentSpecificMemory(): Promise<unknown>;
}

function canMeasureMemory(value: unknown): value is MeasureMemoryLike {
  return isRecord(value) && typeof value.measureUserAgentSpecificMemory === "function";
}

const TIMED_OUT: unique symbol = Symbol("timed out");

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
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
 */
export async function probeWebGpu(
  navigatorLike: unknown,
  timeoutMs: number = DEFAULT_WEBGPU_TIMEOUT_MS,
): Promise<{ readonly webgpu: WebGpuAdapterInfo | null; readonly status: WebGpuStatus }> {
  const gpu = isRecord(navigatorLike) && "gpu" in navigatorLike ? navigatorLike.gpu : undefined;
  if (!isGpuLike(gpu)) return { webgpu: null, status: "unsupported" };
  try {
    const adapter = await withTimeout(gpu.requestAdapter(), timeoutMs);
    if (adapter === TIMED_OUT) return { webgpu: null, status: "timeout" };
    const webgpu = readAdapter(adapter);
    return webgpu === null ? { webgpu: null, status: "no-adapter" } : { webgpu, status: "available" };
  } catch {
    return { webgpu: null, status: "error" };
  }
}

const MOBILE_UA = /Android|iPhone|iPad|iPod|Mobile|Mobi|Silk|Kindle|BlackBerry|Opera Mini|IEMobile/i;

function detectMobile(nav: Record<string, unknown>): boolean {
  const uaData = nav.userAgentData;
  if (isRecord(uaData) && typeof uaData.mobile === "boolean" && uaData.mobile) return true;
  const ua = typeof nav.userAgent === "string" ? nav.userAgent : "";
  if (MOBILE_UA.test(ua)) return true;
  // iPadOS 13+ claims to be a Mac; a Mac has no touch screen.
  const touchPoints = typeof nav.maxTouchPoints === "number" ? nav.maxTouchPoints : 0;
  if (/Macintosh/.test(ua) && touchPoints > 1) return true;
  // userAgentData.mobile is false on Android tablets in desktop mode; the UA regex above caught real phones.
  return false;
}

const UA_PLATFORMS: readonly (readonly [RegExp, string])[] = [
  [/Android/i, "Android"],
  [/iPhone|iPad|iPod/i, "iOS"],
  [/CrOS/i, "Chrome OS"],
  [/Mac OS X|Macintosh/i, "macOS"],
  [/Windows/i, "Windows"],
  [/Linux/i, "Linux"],
];

function detectPlatform(nav: Record<string, unknown>): string {
  const uaData = nav.userAgentData;
  if (isRecord(uaData) && typeof uaData.platform === "string" && uaData.platform !== "") return uaData.platform;
  const ua = typeof nav.userAgent === "string" ? nav.userAgent : "";
  const match = UA_PLATFORMS.find(([pattern]) => pattern.test(ua));
  if (match !== undefined) return match[1];
  return typeof nav.platform === "string" ? nav.platform : "";
}

/** Reads the synchronous part of the profile (everything but WebGPU) from a `navigator`-like object. */
function readNavigator(navigatorLike: unknown, isolated: boolean): Omit<DeviceProfile, "webgpu" | "webgpuStatus"> {
  const nav = isRecord(navigatorLike) ? navigatorLike : {};
  const connection = isRecord(nav.connection) ? nav.connection : {};
  return {
    deviceMemory: positiveNumber(nav.deviceMemory),
    hardwareConcurrency: positiveNumber(nav.hardwareConcurrency),
    saveData: connection.saveData === true,
    effectiveType: isEffectiveType(connection.effectiveType) ? connection.effectiveType : undefined,
    mobile: detectMobile(nav),
    platform: detectPlatform(nav),
    crossOriginIsolated: isolated,
  };
}

/**
 * Merges a test override (see {@link WhisperTestDevice}) over a measured profile. Unknown keys and
 * values of the wrong type are ignored; `null` for `deviceMemory`, `hardwareConcurrency` or
 * `effectiveType` means "not reported" (as in Firefox). Returns the profile unchanged for a
 * non-object override.
 */
export function applyTestOverride(profile: DeviceProfile, override: unknown): DeviceProfile {
  if (!isRecord(override)) return profile;
  let next: DeviceProfile = profile;
  if ("deviceMemory" in override) {
    const value = override.deviceMemory;
    if (value === null) next = { ...next, deviceMemory: undefined };
    else if (positiveNumber(value) !== undefined) next = { ...next, deviceMemory: positiveNumber(value) };
  }
  if ("hardwareConcurrency" in override) {
    const value = override.hardwareConcurrency;
    if (value === null) next = { ...next, hardwareConcurrency: undefined };
    else if (positiveNumber(value) !== undefined) next = { ...next, hardwareConcurrency: positiveNumber(value) };
  }
  if ("effectiveType" in override) {
    const value = override.effectiveType;
    if (value === null) next = { ...next, effectiveType: undefined };
    else if (isEffectiveType(value)) next = { ...next, effectiveType: value };
  }
  if (typeof override.saveData === "boolean") next = { ...next, saveData: override.saveData };
  if (typeof override.mobile === "boolean") next = { ...next, mobile: override.mobile };
  if (typeof override.platform === "string") next = { ...next, platform: override.platform };
  if (typeof override.crossOriginIsolated === "boolean") next = { ...next, crossOriginIsolated: override.crossOriginIsolated };
  if ("webgpu" in override) {
    const value = override.webgpu;
    if (value === null) next = { ...next, webgpu: null, webgpuStatus: "no-adapter" };
    else if (isRecord(value)) next = { ...next, webgpu: overrideAdapter(value), webgpuStatus: "available" };
  }
  return next;
}

function overrideAdapter(value: Record<string, unknown>): WebGpuAdapterInfo {
  return {
    vendor: typeof value.vendor === "string" ? value.vendor : "test",
    architecture: typeof value.architecture === "string" ? value.architecture : "",
    isFallbackAdapter: value.isFallbackAdapter === true,
    shaderF16: value.shaderF16 === true,
    maxBufferSize: positiveNumber(value.maxBufferSize) ?? WEBGPU_DEFAULT_LIMITS.maxBufferSize,
    maxStorageBufferBindingSize: positiveNumber(value.maxStorageBufferBindingSize) ?? WEBGPU_DEFAULT_LIMITS.maxStorageBufferBindingSize,
  };
}

/** True when the override names a `webgpu` value we will use, so the real adapter probe can be skipped. */
function overridesWebGpu(override: unknown): boolean {
  return isRecord(override) && "webgpu" in override && (override.webgpu === null || isRecord(override.webgpu));
}

/**
 * Gathers the planner's inputs from the browser. Call it once per page load (the adapter request
 * costs a GPU-process round trip) and hand the result to the planner and the history fingerprint.
 * Never throws: anything unreadable is reported as unknown.
 */
export async function probeDevice(options: ProbeOptions = {}): Promise<DeviceProfile> {
  const scope: unknown = options.scope ?? globalThis;
  const root = isRecord(scope) ? scope : {};
  const override = TEST_HOOKS_ENABLED ? root.__WHISPER_TEST_DEVICE__ : undefined;
  const base = readNavigator(root.navigator, root.crossOriginIsolated === true);
  // An override that names `webgpu` replaces the adapter; skip the real request (and its wait).
  const gpu: { readonly webgpu: WebGpuAdapterInfo | null; readonly status: WebGpuStatus } = overridesWebGpu(override)
    ? { webgpu: null, status: "no-adapter" }
    : await probeWebGpu(root.navigator, options.timeoutMs ?? DEFAULT_WEBGPU_TIMEOUT_MS);
  return applyTestOverride({ ...base, webgpu: gpu.webgpu, webgpuStatus: gpu.status }, override);
}

/** "256 MB", "1 GB", "16 GB": memory in the units `navigator.deviceMemory` implies. */
export function formatMemoryGb(gb: number): string {
  return gb < 1 ? `${Math.round(gb * 1024)} MB` : `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}

/**
 * One line for the UI, e.g. "8 GB memory, WebGPU (shader-f16), 8 cores". Unknown values are said
 * so ("memory not reported"), and a phone, Save-Data or a slow connection are mentioned.
 */
export function describeDevice(profile: DeviceProfile): string {
  const parts: string[] = [];
  parts.push(profile.deviceMemory === undefined ? "memory not reported" : `${formatMemoryGb(profile.deviceMemory)} memory`);
  if (profile.webgpu === null) {
    parts.push(profile.webgpuStatus === "timeout" ? "no WebGPU (adapter request timed out)" : "no WebGPU");
  } else if (profile.webgpu.isFallbackAdapter) {
    parts.push("WebGPU (software fallback)");
  } else {
    parts.push(profile.webgpu.shaderF16 ? "WebGPU (shader-f16)" : "WebGPU");
  }
  if (profile.hardwareConcurrency !== undefined) {
    parts.push(`${profile.hardwareConcurrency} ${profile.hardwareConcurrency === 1 ? "core" : "cores"}`);
  }
  if (profile.mobile) parts.push("phone or tablet");
  if (profile.saveData) parts.push("Save-Data on");
  if (profile.effectiveType === "slow-2g" || profile.effectiveType === "2g") parts.push(`slow connection (${profile.effectiveType})`);
  return parts.join(", ");
}

/** Options for {@link readMemoryUsage}. */
export interface MemoryReadOptions {
  /** The global object to read `performance` and `crossOriginIsolated` from (default `globalThis`). */
  readonly scope?: unknown;
  /**
   * Prefer `performance.measureUserAgentSpecificMemory()` (all memory of the page, WASM heaps
   * included) over `performance.memory` (JS heap only). It needs `crossOriginIsolated` and may take
   * seconds, since Chromium answers after a garbage collection. Default false.
   */
  readonly precise?: boolean;
  /** Longest wait for the precise measurement, in ms (default 5000); then the cheap reading is used. */
  readonly timeoutMs?: number;
}

/**
 * Current memory use of this page in bytes, where the browser tells: `performance.memory.usedJSHeapSize`
 * (Chromium), or with `precise` the total from `performance.measureUserAgentSpecificMemory()`
 * (cross-origin isolated pages only). `undefined` in browsers that expose neither (Firefox, Safari).
 * For logs and the status line, not for decisions: both are approximate.
 */
export async function readMemoryUsage(options: MemoryReadOptions = {}): Promise<number | undefined> {
  const scope: unknown = options.scope ?? globalThis;
  const root = isRecord(scope) ? scope : {};
  const performanceLike = root.performance;
  if (options.precise === true && root.crossOriginIsolated === true && canMeasureMemory(performanceLike)) {
    try {
      const result = await withTimeout(performanceLike.measureUserAgentSpecificMemory(), options.timeoutMs ?? 5000);
      if (result !== TIMED_OUT && isRecord(result)) {
        const bytes = positiveNumber(result.bytes);
        if (bytes !== undefined) return bytes;
      }
    } catch {
      // SecurityError when isolation is lost mid-session; fall through to the cheap reading.
    }
  }
  const memory = isRecord(performanceLike) && "memory" in performanceLike ? performanceLike.memory : undefined;
  return isRecord(memory) ? positiveNumber(memory.usedJSHeapSize) : undefined;
}

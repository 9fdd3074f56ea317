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
import { positiveNumber } from "./probe-values";
import { DEFAULT_WEBGPU_TIMEOUT_MS, probeWebGpu, WEBGPU_DEFAULT_LIMITS, type WebGpuAdapterInfo, type WebGpuStatus } from "./webgpu-probe";

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
 * replaces the adapter probe entirely. `acceptFallbackAdapter: true` keeps the real probe but plans
 * with a software adapter (SwiftShader in headless Chromium) as with a GPU, so browser tests can run
 * the WebGPU path where no GPU exists; vendor, architecture, features and limits stay as probed.
 * Read only in test builds ({@link TEST_HOOKS_ENABLED}, i.e. built with NEXT_PUBLIC_TEST_HOOKS=1);
 * production builds ignore it.
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
  readonly acceptFallbackAdapter?: boolean;
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

const EFFECTIVE_TYPES: readonly EffectiveConnectionType[] = ["slow-2g", "2g", "3g", "4g"];

function isEffectiveType(value: unknown): value is EffectiveConnectionType {
  return typeof value === "string" && EFFECTIVE_TYPES.some((type) => type === value);
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
  if (override.acceptFallbackAdapter === true && next.webgpu !== null) next = { ...next, webgpu: { ...next.webgpu, isFallbackAdapter: false } };
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

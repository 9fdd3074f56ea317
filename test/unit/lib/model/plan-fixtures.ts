/** Devices, requests and attempts shared by the planner and rule-table tests. */
import { DTYPES, type Attempt, type ModelId } from "@/lib/model/catalog";
import { attemptKey, recordOutcome, type DeviceHistory } from "@/lib/model/plan-history";
import type { PlanRequest, PlannerDevice } from "@/lib/model/plan";
import type { WebGpuAdapterInfo } from "@/lib/model/webgpu-probe";

export const MiB = 1_048_576;

export const GPU: WebGpuAdapterInfo = {
  vendor: "test",
  architecture: "",
  isFallbackAdapter: false,
  shaderF16: false,
  maxBufferSize: 256 * MiB,
  maxStorageBufferBindingSize: 128 * MiB,
};
export const GPU_F16: WebGpuAdapterInfo = { ...GPU, shaderF16: true };

export function device(overrides: Partial<PlannerDevice> = {}): PlannerDevice {
  return { deviceMemory: 8, webgpu: null, hardwareConcurrency: 8, saveData: false, effectiveType: undefined, mobile: false, ...overrides };
}

export function request(overrides: Partial<PlanRequest> & { device?: PlannerDevice } = {}): PlanRequest {
  return { device: device(), quality: "medium", language: "en", ...overrides };
}

export const tinyWasm: Attempt = { model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm };
export const baseWasm: Attempt = { model: "whisper-base", device: "wasm", dtype: DTYPES.wasm };
export const tinyGpu: Attempt = { model: "whisper-tiny", device: "webgpu", dtype: DTYPES.webgpu };
export const baseGpu: Attempt = { model: "whisper-base", device: "webgpu", dtype: DTYPES.webgpu };
export const tinyGpu16: Attempt = { model: "whisper-tiny", device: "webgpu", dtype: DTYPES["webgpu-f16"] };
export const baseGpu16: Attempt = { model: "whisper-base", device: "webgpu", dtype: DTYPES["webgpu-f16"] };

export function keys(attempts: readonly Attempt[]): string[] {
  return attempts.map(attemptKey);
}

export const T: ModelId = "whisper-tiny";
export const B: ModelId = "whisper-base";

/** `history` after `times` memory failures of `attempt` at time `at`. */
export function memoryFailures(history: DeviceHistory, attempt: Attempt, times: number, at = 1000): DeviceHistory {
  let next = history;
  for (let i = 0; i < times; i += 1) next = recordOutcome(next, attempt, "memory", at);
  return next;
}

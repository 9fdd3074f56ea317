/**
 * Notices when the GPU device ONNX Runtime's WebGPU backend runs on is lost (the GPU process
 * crashed, the driver reset, the system reclaimed GPU memory), so that the failure it causes is
 * reported as a device loss and the page steps down to WASM. ONNX Runtime does not say so itself:
 * after a loss its next run throws an unrelated error (onnxruntime-web 1.31's WebGPU build:
 * "TypeError: Cannot read properties of undefined (reading 'destroy')"), which would otherwise
 * classify as "other" and stop the job with "failed for a reason this app does not recognise".
 */
import type { Attempt } from "../model/catalog";
import { ModelRunError } from "../model/run-error";
import { isRecord } from "../guards";

/** What a `GPUDeviceLostInfo` said. */
export interface GpuDeviceLoss {
  /** "unknown" for a real loss, "destroyed" after `GPUDevice.destroy()`. */
  readonly reason: string;
  readonly message: string;
}

function readLoss(info: unknown): GpuDeviceLoss {
  const reason = isRecord(info) && typeof info.reason === "string" ? info.reason : "unknown";
  const message = isRecord(info) && typeof info.message === "string" ? info.message : "";
  return { reason, message };
}

/**
 * Watches one worker's WebGPU device. Call {@link GpuDeviceWatch.watch} once a WebGPU pipeline has
 * loaded and {@link GpuDeviceWatch.explain} on every failure of a WebGPU attempt.
 */
export class GpuDeviceWatch {
  private watched: unknown = null;
  private loss: GpuDeviceLoss | null = null;

  /**
   * Starts watching the device in `webgpuEnv.device` (ONNX Runtime's `env.webgpu`; it sets `device`
   * when its WebGPU backend starts, a GPUDevice or a promise of one). Anything else is ignored.
   */
  watch(webgpuEnv: unknown): void {
    const device: unknown = isRecord(webgpuEnv) ? webgpuEnv.device : undefined;
    void Promise.resolve(device).then((value: unknown) => {
      if (!isRecord(value) || value === this.watched || !(value.lost instanceof Promise)) return;
      this.watched = value;
      value.lost.then(
        (info: unknown) => {
          if (this.watched === value) this.loss = readLoss(info);
        },
        () => undefined,
      );
    });
  }

  /** The loss, once the watched device was lost; null while it is fine (or none is watched). */
  get lost(): GpuDeviceLoss | null {
    return this.loss;
  }

  /**
   * `error` as it should reach the page: a memory {@link ModelRunError} (a lost device is usually
   * memory pressure, and WASM is the remedy) when the device was lost, else `error` itself.
   */
  explain(error: unknown, attempt: Attempt): unknown {
    if (this.loss === null || attempt.device !== "webgpu") return error;
    const detail = this.loss.message === "" ? this.loss.reason : `${this.loss.reason}: ${this.loss.message}`;
    return new ModelRunError("memory", `the GPU device was lost (${detail})`, { cause: error, attempt });
  }
}

/** How much memory the page uses, where the browser tells (for logs and the status line). */
import { isRecord } from "../guards";
import { positiveNumber, TIMED_OUT, withTimeout } from "./probe-values";

interface MeasureMemoryLike {
  measureUserAgentSpecificMemory(): Promise<unknown>;
}

function canMeasureMemory(value: unknown): value is MeasureMemoryLike {
  return isRecord(value) && typeof value.measureUserAgentSpecificMemory === "function";
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

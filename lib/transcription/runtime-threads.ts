/** How many WASM threads ONNX Runtime gets on this page. */

/**
 * Threads for the worker's ONNX Runtime: the cores we have (at most 4) on a cross-origin isolated
 * page, else 1 (threads need SharedArrayBuffer). Pass `scope` in tests; default `globalThis`.
 */
export function runtimeThreads(scope: { readonly crossOriginIsolated?: boolean; readonly navigator?: { readonly hardwareConcurrency?: number } } = globalThis): number {
  // ORT defaults to min(4, ceil(cores / 2)) threads, i.e. 1 on a 2-core machine; use the cores we have.
  if (scope.crossOriginIsolated !== true) return 1;
  return Math.max(1, Math.min(4, scope.navigator?.hardwareConcurrency || 1));
}

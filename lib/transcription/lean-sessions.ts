/**
 * Makes every ONNX Runtime Web session the worker creates use as little of the WASM heap as the
 * model allows. The heap never shrinks, so whatever a session needs at its peak stays taken for
 * the worker's whole life; two rewrites of the model bytes, done as the session is created, lower
 * that peak without changing a single output value:
 *
 * - the weights load once (lib/model/external-weights.ts): the session is created from the graph
 *   alone, with the very same Uint8Array handed over as the graph's external data, instead of
 *   being copied into the heap, parsed there and copied again into tensors;
 * - an encoder's self-attention runs a slice of query rows at a time
 *   (lib/model/chunked-attention.ts), so the 1500 × 1500 scores never exist whole.
 *
 * A third rewrite cuts the JavaScript garbage of decoding rather than the heap: on WASM, a merged
 * decoder hands out only each step's new self-attention cache rows (lib/model/new-cache-rows.ts)
 * and the session's `run` puts the whole cache back together in buffers it reuses
 * (./cache-rows.ts), where ONNX Runtime Web would otherwise copy the whole cache into a fresh
 * ArrayBuffer at every step. On WebGPU the cache stays on the GPU and is left alone.
 *
 * transformers.js reads each model file into one Uint8Array and calls `InferenceSession.create`
 * with it; {@link leanSessions} wraps that call. A file whose weights are external already, or
 * that does not parse, goes to ONNX Runtime as it came (it then reports its own error for a file
 * that is not a model).
 */
import { chunkEncoderAttention } from "../model/chunked-attention";
import { externalizeWeights } from "../model/external-weights";
import { newCacheRows } from "../model/new-cache-rows";
import { wholeCacheFromRows } from "./cache-rows";
import { isRecord } from "../guards";
import { createLogger } from "../logger";

const log = createLogger("lean-sessions");

const wrapped = new WeakSet<object>();
let created = 0;

/** How a session is made instead of from `model` and `options`. */
export interface LeanSession {
  readonly graph: Uint8Array;
  readonly options: Record<string, unknown>;
  /** Outputs that carry only each step's new cache rows, for {@link wholeCacheFromRows}; empty when none. */
  readonly cacheRows: readonly string[];
}

/** True when the session may run on WebGPU (or another provider than WASM, whose outputs need not be CPU arrays). */
function beyondWasm(options: Record<string, unknown>): boolean {
  const providers = options.executionProviders;
  if (providers === undefined) return false;
  if (!Array.isArray(providers)) return true;
  return providers.some((provider) => {
    const name = typeof provider === "string" ? provider : isRecord(provider) ? provider.name : undefined;
    return name !== "wasm" && name !== "cpu";
  });
}

/** The graph and options a session is created with instead of `model` and `options`, or null to leave them. */
export function leanSession(model: Uint8Array, options: Record<string, unknown>): LeanSession | null {
  created += 1;
  const split = externalizeWeights(model, `weights-${created}.bin`);
  if (split === null) return null;
  const chunked = chunkEncoderAttention(split.graph);
  const rows = chunked === null && !beyondWasm(options) && options.preferredOutputLocation === undefined ? newCacheRows(split.graph) : null;
  if (rows !== null) log.debug(`the decoder hands out new cache rows (${rows.outputs.length} outputs)`);
  return { graph: chunked?.bytes ?? rows?.bytes ?? split.graph, options: { ...options, externalData: [{ path: split.location, data: model }] }, cacheRows: rows?.outputs ?? [] };
}

/**
 * Wraps `factory.create` (onnxruntime-web's `InferenceSession`, the one transformers.js calls)
 * so that sessions made from a model's bytes are made by {@link leanSession}. Idempotent.
 */
export function leanSessions(factory: object): void {
  const create: unknown = Reflect.get(factory, "create");
  if (wrapped.has(factory) || typeof create !== "function") return;
  wrapped.add(factory);
  const original = (...args: unknown[]): Promise<unknown> => Reflect.apply(create, factory, args);
  const leanCreate = (...args: unknown[]): Promise<unknown> => {
    const [model, options, ...rest] = args;
    // Only the (bytes, options?) form that transformers.js uses; URLs, offsets and sessions that
    // bring external data of their own are left alone.
    if (!(model instanceof Uint8Array) || rest.length > 0 || (options !== undefined && !isRecord(options)) || (isRecord(options) && options.externalData !== undefined)) return original(...args);
    let lean: ReturnType<typeof leanSession>;
    try {
      lean = leanSession(model, isRecord(options) ? options : {});
    } catch (error) {
      log.warn("could not read the model's graph; creating the session from the whole file", error);
      return original(...args);
    }
    if (lean === null) return original(...args);
    const { cacheRows } = lean;
    const made = original(lean.graph, lean.options);
    return cacheRows.length === 0 ? made : made.then((session) => (typeof session === "object" && session !== null ? wholeCacheFromRows(session, cacheRows) : session));
  };
  Reflect.set(factory, "create", leanCreate);
}

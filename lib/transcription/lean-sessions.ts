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
 * that is not a model). Once the session exists the file's bytes are freed at once
 * ({@link releaseModelBytes}) instead of waiting, as garbage, for V8's next major collection.
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
/** Model buffers handed to a create() that has not settled yet, and how many times. */
const creating = new WeakMap<ArrayBufferLike, number>();

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
 * Frees the memory of a model file's bytes once its session has been created: ONNX Runtime has
 * copied what it needs into its heap by then, and nothing reads the bytes again (transformers.js
 * reads a file afresh for every session it makes). Left alone, they stayed resident as garbage
 * through the first window, where the run's peak is reached: the benchmark found tiny's 49.8 MB
 * decoder file still mapped at its peak. The buffer is transferred in a message to a port that is
 * then closed, which frees it there and then. `ArrayBuffer.prototype.transfer(0)` would not do
 * for a file read with `Response.arrayBuffer()`: in Chromium that detaches the JavaScript object
 * but leaves the bytes to Blink's wrapper, which goes only with a collection (measured: a 200 MB
 * buffer read from a Response stayed resident after transfer(0) and went at once through a
 * MessageChannel). Nothing is done to a view on part of a buffer, a SharedArrayBuffer, or a
 * buffer still handed to another create() that has not settled. True when the buffer was detached.
 */
export function releaseModelBytes(bytes: Uint8Array): boolean {
  const { buffer } = bytes;
  if (!(buffer instanceof ArrayBuffer) || (creating.get(buffer) ?? 0) > 0) return false;
  if (bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength || buffer.byteLength === 0) return false;
  try {
    if (typeof MessageChannel === "function") {
      const channel = new MessageChannel();
      channel.port1.postMessage(buffer, [buffer]);
      channel.port1.close();
      channel.port2.close();
    } else {
      structuredClone(buffer, { transfer: [buffer] });
    }
  } catch (error) {
    log.debug("could not free a model file's bytes; they go with the next garbage collection", error);
    return false;
  }
  return buffer.byteLength === 0;
}

/**
 * `made`, after which `bytes` are freed if it succeeded (a failed create leaves them for a retry).
 * Only for sessions on WASM, where ONNX Runtime has copied every weight into its heap when create()
 * resolves; a WebGPU session's upload of its weights has not been checked on a GPU, so its bytes
 * are left to the collector as before.
 */
function thenRelease(bytes: Uint8Array, options: Record<string, unknown>, made: Promise<unknown>): Promise<unknown> {
  if (beyondWasm(options)) return made;
  const { buffer } = bytes;
  creating.set(buffer, (creating.get(buffer) ?? 0) + 1);
  const settle = (): void => {
    const left = (creating.get(buffer) ?? 1) - 1;
    if (left > 0) creating.set(buffer, left);
    else creating.delete(buffer);
  };
  return made.then(
    (session) => {
      settle();
      releaseModelBytes(bytes);
      return session;
    },
    (error: unknown) => {
      settle();
      throw error;
    },
  );
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
    const given = isRecord(options) ? options : {};
    let lean: ReturnType<typeof leanSession> = null;
    try {
      lean = leanSession(model, given);
    } catch (error) {
      log.warn("could not read the model's graph; creating the session from the whole file", error);
    }
    const made = thenRelease(model, given, lean === null ? original(...args) : original(lean.graph, lean.options));
    const cacheRows = lean?.cacheRows ?? [];
    return cacheRows.length === 0 ? made : made.then((session) => (typeof session === "object" && session !== null ? wholeCacheFromRows(session, cacheRows) : session));
  };
  Reflect.set(factory, "create", leanCreate);
}

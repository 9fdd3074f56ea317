/**
 * Puts a merged decoder's self-attention cache back together from the new rows that
 * lib/model/new-cache-rows.ts makes it hand out, in buffers reused from step to step.
 *
 * Each cache output gets two buffers: the step that reads its past from one writes the present
 * into the other, so the tensor transformers.js feeds back (and keeps in its DynamicCache until
 * the next step replaces it) is never overwritten while it is read. That holds because a
 * generation's steps run one after another and each step's cache replaces the last; the worker
 * runs one generation at a time. A buffer grows (doubling) when a window's cache outgrows it and
 * is otherwise kept for the session's life: a 100-token window ends at ~104 rows and the buffers
 * at most ~200, so for whisper-tiny 8 outputs × 2 buffers × 200 rows × 1.5 KB ≈ 5 MB (base: 12 ×
 * 2 × 200 × 2 KB ≈ 10 MB), held instead of ~60 (~120) MB of garbage per window.
 */

import { isRecord } from "../guards";

/** The parts of an onnxruntime-web Tensor this needs. */
interface CacheTensor {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}

/** A float cache's elements: Float32Array, or for float16 Uint16Array (or Float16Array where the runtime has it). */
interface Rows extends ArrayLike<number> {
  readonly BYTES_PER_ELEMENT: number;
  readonly buffer: ArrayBufferLike;
  set(source: ArrayLike<number>, offset?: number): void;
  subarray(begin: number, end?: number): Rows;
}

/** True for a typed array of `bytesPerElement`-byte elements (the tensor's type says they are floats). */
function isRows(value: unknown, bytesPerElement: number): value is Rows {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && Reflect.get(value, "BYTES_PER_ELEMENT") === bytesPerElement;
}

/** A new `Rows` of `length` elements of the same class as `like`. */
function sameKind(like: Rows, length: number): Rows {
  const made: unknown = Reflect.construct(like.constructor, [length]);
  if (!isRows(made, like.BYTES_PER_ELEMENT)) throw new Error("could not allocate the decoder's cache");
  return made;
}

function isTensor(value: unknown): value is CacheTensor {
  return typeof value === "object" && value !== null && "data" in value && "dims" in value && "type" in value && Array.isArray(value.dims);
}

function rows(tensor: CacheTensor): Rows | null {
  const { data } = tensor;
  if (tensor.type === "float32") return data instanceof Float32Array ? data : null;
  return tensor.type === "float16" && isRows(data, 2) ? data : null;
}

/** True when the feeds choose the with-past branch (`use_cache_branch` true). */
function withPast(feeds: Record<string, unknown>): boolean {
  const flag = feeds.use_cache_branch;
  if (!isTensor(flag)) return false;
  const data = flag.data;
  return (Array.isArray(data) || ArrayBuffer.isView(data)) && Boolean(Reflect.get(data, 0));
}

/** The two buffers of one cache output. */
class Pair {
  private buffers: [Rows | null, Rows | null] = [null, null];

  /** A buffer of at least `length` elements like `like`, not the one `reading` is a view of. */
  target(length: number, like: Rows, reading: Rows): Rows {
    const index = this.buffers[0] !== null && this.buffers[0].buffer === reading.buffer ? 1 : 0;
    const current = this.buffers[index] ?? null;
    if (current !== null && current.length >= length && current.constructor === like.constructor) return current;
    const grown = sameKind(like, Math.max(length, 2 * (current?.length ?? 0)));
    this.buffers[index] = grown;
    return grown;
  }
}

/**
 * `past` [batch, heads, s, size] and `fresh` [batch, heads, n, size] joined along the sequence
 * axis into `into` (at least batch × heads × (s + n) × size elements), as a view of `into`.
 */
export function appendRows(past: Rows, pastDims: readonly number[], fresh: Rows, freshDims: readonly number[], into: Rows): Rows {
  const [batch = 1, heads = 1, pastLength = 0, size = 1] = pastDims;
  const freshLength = freshDims[2] ?? 0;
  const pastBlock = pastLength * size;
  const freshBlock = freshLength * size;
  const block = pastBlock + freshBlock;
  const blocks = batch * heads;
  for (let index = 0; index < blocks; index += 1) {
    into.set(past.subarray(index * pastBlock, (index + 1) * pastBlock), index * block);
    into.set(fresh.subarray(index * freshBlock, (index + 1) * freshBlock), index * block + pastBlock);
  }
  return into.subarray(0, blocks * block);
}

/**
 * Wraps `session.run` so that the outputs named in `outputs`, which carry only the step's new
 * rows in the with-past branch, come back whole again (`past_key_values.*` joined with them), as
 * tensors of the session's own Tensor class. First steps (no past) pass through untouched.
 */
export function wholeCacheFromRows<T extends object>(session: T, outputs: readonly string[]): T {
  const run: unknown = Reflect.get(session, "run");
  if (typeof run !== "function") return session;
  const pairs = outputs.map((name) => ({ name, pastName: name.replace("present", "past_key_values"), pair: new Pair() }));
  const wrappedRun = async (feeds: Record<string, unknown>, ...rest: unknown[]): Promise<unknown> => {
    const results: unknown = await Reflect.apply(run, session, [feeds, ...rest]);
    if (!isRecord(results) || !withPast(feeds)) return results;
    for (const { name, pastName, pair } of pairs) {
      const fresh = results[name];
      const past = feeds[pastName];
      if (!isTensor(fresh) || !isTensor(past)) throw new Error(`the decoder's ${name} or its past is missing`);
      const freshRows = rows(fresh);
      const pastRows = rows(past);
      if (freshRows === null || pastRows === null || fresh.dims.length !== 4 || past.dims.length !== 4) throw new Error(`the decoder's ${name} is not a float cache`);
      const dims = [past.dims[0] ?? 1, past.dims[1] ?? 1, (past.dims[2] ?? 0) + (fresh.dims[2] ?? 0), past.dims[3] ?? 1];
      const into = pair.target(dims.reduce((product, dim) => product * dim, 1), freshRows, pastRows);
      results[name] = Reflect.construct(fresh.constructor, [fresh.type, appendRows(pastRows, past.dims, freshRows, fresh.dims, into), dims]);
    }
    return results;
  };
  Reflect.set(session, "run", wrappedRun);
  return session;
}

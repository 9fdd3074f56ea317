/**
 * Makes every ONNX Runtime Web session the worker creates copy its model's weights into the WASM
 * heap once, not three times (see lib/model/external-weights.ts for why and by how much).
 *
 * transformers.js reads each model file into one Uint8Array and calls `InferenceSession.create`
 * with it; {@link loadWeightsOnce} wraps that call so the session is created from the graph alone,
 * with the very same Uint8Array handed over as the graph's external data. Nothing is copied in
 * JavaScript, and a file whose weights are external already, or that does not parse, goes to ONNX
 * Runtime as it came (it then reports its own error for a file that is not a model).
 */
import { externalizeWeights } from "../model/external-weights";
import { isRecord } from "../guards";
import { createLogger } from "../logger";

const log = createLogger("weights-once");

const wrapped = new WeakSet<object>();
let created = 0;

/**
 * Wraps `factory.create` (onnxruntime-web's `InferenceSession`, the one transformers.js calls)
 * so that sessions made from a model's bytes take their weights as external data. Idempotent.
 */
export function loadWeightsOnce(factory: object): void {
  const create: unknown = Reflect.get(factory, "create");
  if (wrapped.has(factory) || typeof create !== "function") return;
  wrapped.add(factory);
  const original = (...args: unknown[]): Promise<unknown> => Reflect.apply(create, factory, args);
  const createOnce = (...args: unknown[]): Promise<unknown> => {
    const [model, options, ...rest] = args;
    // Only the (bytes, options?) form that transformers.js uses; URLs, offsets and sessions that
    // bring external data of their own are left alone.
    if (!(model instanceof Uint8Array) || rest.length > 0 || (options !== undefined && !isRecord(options)) || (isRecord(options) && options.externalData !== undefined)) return original(...args);
    let split: ReturnType<typeof externalizeWeights>;
    try {
      created += 1;
      split = externalizeWeights(model, `weights-${created}.bin`);
    } catch (error) {
      log.warn("could not read the model's initializers; creating the session from the whole file", error);
      return original(...args);
    }
    if (split === null) return original(...args);
    return original(split.graph, { ...options, externalData: [{ path: split.location, data: model }] });
  };
  Reflect.set(factory, "create", createOnce);
}

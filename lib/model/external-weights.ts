/**
 * Lets ONNX Runtime Web create a session without copying a model's weights twice: the model's
 * graph is rewritten so that every large initializer points, as ONNX "external data", at its own
 * bytes in the original file, and the original file is handed to ONNX Runtime as that external
 * data file.
 *
 * Given a whole `.onnx` file, ONNX Runtime Web copies it into the WASM heap, parses it there (a
 * second copy of every weight, in the parsed protobuf) and then builds the session's tensors (a
 * third), so creating a session raises the heap's high-water mark to about three times the file:
 * 173 MB for the 50 MB q8 decoder of the benchmark's whisper-tiny. The heap never shrinks, so that
 * peak stays for the worker's whole life. With the weights as external data the heap holds the small
 * graph and the tensors, copied once from the file's bytes in JavaScript (72 MB for the same
 * decoder). The graph only gains a few bytes per tensor; nothing else changes, so the session
 * computes exactly what it did.
 */
import { ATTRIBUTE_G, ATTRIBUTE_GRAPHS, DATA_LOCATION_EXTERNAL, ENTRY_KEY, ENTRY_VALUE, GRAPH_INITIALIZER, GRAPH_NODE, MODEL_GRAPH, NODE_ATTRIBUTE, TENSOR_DATA_LOCATION, TENSOR_EXTERNAL_DATA, TENSOR_RAW_DATA } from "./onnx-graph";
import { bytesField, concat, fields, lengthDelimited, varintField, type Field } from "./protobuf";

/** Initializers smaller than this stay in the graph (ONNX's own converter uses 1 KB too). */
export const MIN_EXTERNAL_BYTES = 1024;

/** The rewritten graph, and how much of the file it now refers to instead of holding. */
export interface ExternalizedModel {
  /** The model with its large initializers as external data in `location` (the original file). */
  readonly graph: Uint8Array<ArrayBuffer>;
  /** The external data file name written into the graph; hand the original bytes over under it. */
  readonly location: string;
  readonly tensors: number;
  readonly bytes: number;
}

interface Rewrite {
  /** The message's new fields (slices of the input where unchanged). */
  readonly parts: Uint8Array[];
  readonly tensors: number;
  readonly bytes: number;
}

function entry(key: string, value: string): Uint8Array {
  return bytesField(TENSOR_EXTERNAL_DATA, concat([bytesField(ENTRY_KEY, key), bytesField(ENTRY_VALUE, value)]));
}

/** A TensorProto whose raw data is replaced by a reference to the same bytes in the file; null to keep it. */
function externalTensor(bytes: Uint8Array, start: number, end: number, location: string, minBytes: number): Rewrite | null {
  const list = fields(bytes, start, end);
  // Already external, or no raw data (typed fields such as float_data stay as they are).
  if (list.some((field) => field.number === TENSOR_EXTERNAL_DATA || field.number === TENSOR_DATA_LOCATION)) return null;
  const raw = list.filter((field) => field.number === TENSOR_RAW_DATA && field.wireType === 2);
  const data = raw.at(-1);
  if (data === undefined || raw.length !== 1 || data.end - data.valueStart < minBytes) return null;
  const length = data.end - data.valueStart;
  const parts = list.filter((field) => field !== data).map((field) => bytes.subarray(field.start, field.end));
  parts.push(entry("location", location), entry("offset", String(data.valueStart)), entry("length", String(length)), varintField(TENSOR_DATA_LOCATION, DATA_LOCATION_EXTERNAL));
  return { parts, tensors: 1, bytes: length };
}

/**
 * Rewrites the fields of one message: `children` names, by field number, the nested messages that
 * may hold tensors and how to rewrite them. Unchanged fields are kept as slices.
 */
function rewriteMessage(bytes: Uint8Array, start: number, end: number, children: Readonly<Record<number, (field: Field) => Rewrite | null>>): Rewrite | null {
  const parts: Uint8Array[] = [];
  let tensors = 0;
  let moved = 0;
  for (const field of fields(bytes, start, end)) {
    const rewrite = field.wireType === 2 ? children[field.number]?.(field) : undefined;
    if (rewrite === undefined || rewrite === null) {
      parts.push(bytes.subarray(field.start, field.end));
      continue;
    }
    parts.push(...lengthDelimited(field.number, rewrite.parts));
    tensors += rewrite.tensors;
    moved += rewrite.bytes;
  }
  return tensors === 0 ? null : { parts, tensors, bytes: moved };
}

function rewriteGraph(bytes: Uint8Array, field: Field, location: string, minBytes: number): Rewrite | null {
  const graph = (inner: Field): Rewrite | null => rewriteGraph(bytes, inner, location, minBytes);
  const attribute = (inner: Field): Rewrite | null => rewriteMessage(bytes, inner.valueStart, inner.end, { [ATTRIBUTE_G]: graph, [ATTRIBUTE_GRAPHS]: graph });
  const node = (inner: Field): Rewrite | null => rewriteMessage(bytes, inner.valueStart, inner.end, { [NODE_ATTRIBUTE]: attribute });
  return rewriteMessage(bytes, field.valueStart, field.end, {
    [GRAPH_INITIALIZER]: (inner) => externalTensor(bytes, inner.valueStart, inner.end, location, minBytes),
    // Subgraphs (the two branches of a merged decoder's If) may hold initializers of their own.
    [GRAPH_NODE]: node,
  });
}

/**
 * `model` (a whole `.onnx` file) with every initializer of at least `minBytes` of raw data, in the
 * main graph and its subgraphs, turned into external data in `location` at its own offset in
 * `model`. Null when there is nothing to move (no large raw initializers, or weights that are
 * external already). Throws {@link ProtobufError} on bytes that are not a protobuf message.
 */
export function externalizeWeights(model: Uint8Array, location: string, minBytes = MIN_EXTERNAL_BYTES): ExternalizedModel | null {
  const rewrite = rewriteMessage(model, 0, model.length, { [MODEL_GRAPH]: (field) => rewriteGraph(model, field, location, minBytes) });
  if (rewrite === null) return null;
  return { graph: concat(rewrite.parts), location, tensors: rewrite.tensors, bytes: rewrite.bytes };
}

/**
 * Stops a merged Whisper decoder from copying the cross-attention cache out at every token: the
 * TypeScript twin of scripts/slim-decoder.py, run on the bytes of `decoder_model_merged*.onnx`
 * before they are cached (lib/model/slim-fetch.ts) or written (scripts/download-models.ts).
 *
 * The with-past branch (`then_branch`) of the decoder's `If(use_cache_branch)` hands
 * `past_key_values.N.encoder.*` straight back (`Identity`) as `present.N.encoder.*`; ONNX Runtime
 * copies those out at every token (18 MB/token for whisper-tiny) and transformers.js never reads
 * them after the first step. Each such Identity becomes a Constant holding an empty tensor
 * [1, heads, 0, head_dim] of the cache's own element type (float32, or float16 in fp16 / q4f16 decoders). Only the messages on the path to the changed nodes are re-encoded; all
 * other bytes are copied as slices, so the rewrite holds the input and the output, nothing more.
 */
import { bytesField, concat, fields, lastMessage, lengthDelimited, ProtobufError, texts, varintField, type Field } from "./protobuf";
import { ATTRIBUTE_G, ATTRIBUTE_NAME, DIMENSION_VALUE, GRAPH_INPUT, GRAPH_NODE, GRAPH_OUTPUT, MODEL_GRAPH, SHAPE_DIM, TENSOR_DATA_TYPE, TENSOR_DATA_TYPE_FLOAT, TENSOR_DIMS, TENSOR_NAME, TENSOR_RAW_DATA, TENSOR_TYPE_ELEM_TYPE, TENSOR_TYPE_SHAPE, TYPE_TENSOR_TYPE, VALUE_INFO_NAME, VALUE_INFO_TYPE, constantNode, readNode, valueInfoNames, type OnnxNode } from "./onnx-graph";

/** Matches the file names of merged decoders (any dtype suffix), the only files worth slimming. */
export const MERGED_DECODER_FILE = /(^|\/)decoder_model_merged[^/]*\.onnx$/;

/** What {@link slimDecoder} did. `skipped` leaves the bytes as they were and says why. */
export type SlimOutcome =
  | { readonly kind: "slimmed"; readonly outputs: number; readonly message: string }
  | { readonly kind: "already-slim"; readonly outputs: number; readonly message: string }
  | { readonly kind: "skipped"; readonly message: string };

/** The rewritten model (the input itself unless `outcome.kind` is "slimmed") and what was done. */
export interface SlimResult {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly outcome: SlimOutcome;
}

/** The TypeProto.Tensor message of a ValueInfoProto, when it has one. */
function tensorType(bytes: Uint8Array, valueInfo: Field): Field | undefined {
  const type = lastMessage(fields(bytes, valueInfo.valueStart, valueInfo.end), VALUE_INFO_TYPE);
  return type && lastMessage(fields(bytes, type.valueStart, type.end), TYPE_TENSOR_TYPE);
}

/** The element type (TensorProto.DataType) of a ValueInfoProto's tensor; float when unstated. */
function elemType(bytes: Uint8Array, valueInfo: Field): number {
  const tensor = tensorType(bytes, valueInfo);
  const value = tensor && fields(bytes, tensor.valueStart, tensor.end).filter((item) => item.number === TENSOR_TYPE_ELEM_TYPE && item.wireType === 0).at(-1);
  return value === undefined || value.varint === 0 ? TENSOR_DATA_TYPE_FLOAT : value.varint;
}

/** Dimension `index` of a ValueInfoProto's tensor shape when it is a fixed number, else null. */
function dimValue(bytes: Uint8Array, valueInfo: Field, index: number): number | null {
  const tensor = tensorType(bytes, valueInfo);
  const shape = tensor && lastMessage(fields(bytes, tensor.valueStart, tensor.end), TENSOR_TYPE_SHAPE);
  if (shape === undefined) return null;
  const dim = fields(bytes, shape.valueStart, shape.end).filter((item) => item.number === SHAPE_DIM && item.wireType === 2)[index];
  if (dim === undefined) return null;
  const value = fields(bytes, dim.valueStart, dim.end).find((item) => item.number === DIMENSION_VALUE && item.wireType === 0);
  return value === undefined ? null : value.varint;
}

/** A Constant node with output `name` holding an empty tensor of `dims` and element type `dataType`. */
function emptyConstant(name: string, dims: readonly number[], dataType: number): Uint8Array {
  const label = `${name}/empty`;
  const tensor = concat([...dims.map((dim) => varintField(TENSOR_DIMS, dim)), varintField(TENSOR_DATA_TYPE, dataType), bytesField(TENSOR_NAME, label), bytesField(TENSOR_RAW_DATA, new Uint8Array(0))]);
  return constantNode(label, name, tensor);
}

/**
 * The payload of a message whose fields are `list`, with the fields in `replaced` swapped for new
 * parts; runs of untouched fields stay views into `bytes`.
 */
function patched(bytes: Uint8Array, list: readonly Field[], replaced: ReadonlyMap<Field, readonly Uint8Array[]>): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let runStart: number | null = null;
  let runEnd = 0;
  for (const field of list) {
    const replacement = replaced.get(field);
    if (replacement === undefined) {
      if (runStart === null || field.start !== runEnd) {
        if (runStart !== null) parts.push(bytes.subarray(runStart, runEnd));
        runStart = field.start;
      }
      runEnd = field.end;
      continue;
    }
    if (runStart !== null) parts.push(bytes.subarray(runStart, runEnd));
    runStart = null;
    parts.push(...replacement);
  }
  if (runStart !== null) parts.push(bytes.subarray(runStart, runEnd));
  return parts;
}

/** `field` re-encoded with a new payload. */
function skipped(message: string, bytes: Uint8Array<ArrayBuffer>): SlimResult {
  return { bytes, outcome: { kind: "skipped", message: `skipped: ${message}` } };
}

function slim(bytes: Uint8Array<ArrayBuffer>): SlimResult {
  const model = fields(bytes);
  const graph = lastMessage(model, MODEL_GRAPH);
  if (graph === undefined) return skipped("not an ONNX model (no graph)", bytes);
  const graphFields = fields(bytes, graph.valueStart, graph.end);
  const ifs = graphFields.filter((field) => field.number === GRAPH_NODE && field.wireType === 2).map((field) => readNode(bytes, field)).filter((node) => node.opType === "If");
  const ifNode = ifs[0];
  if (ifNode === undefined || ifs.length !== 1) return skipped("not a merged decoder (no single If node)", bytes);
  const outerInputs = new Map<string, Field>();
  for (const field of graphFields) {
    if (field.number !== GRAPH_INPUT || field.wireType !== 2) continue;
    const name = texts(bytes, field.valueStart, field.end, VALUE_INFO_NAME).at(-1);
    if (name !== undefined) outerInputs.set(name, field);
  }
  const branchAttribute = ifNode.attributes.find((field) => texts(bytes, field.valueStart, field.end, ATTRIBUTE_NAME).at(-1) === "then_branch");
  const attributeFields = branchAttribute === undefined ? [] : fields(bytes, branchAttribute.valueStart, branchAttribute.end);
  const branch = lastMessage(attributeFields, ATTRIBUTE_G);
  if (branchAttribute === undefined || branch === undefined) return skipped("the If node has no then_branch", bytes);
  const branchFields = fields(bytes, branch.valueStart, branch.end);
  const producer = new Map<string, OnnxNode>();
  for (const field of branchFields) {
    if (field.number !== GRAPH_NODE || field.wireType !== 2) continue;
    const node = readNode(bytes, field);
    for (const output of node.outputs) producer.set(output, node);
  }
  const branchOutputs = valueInfoNames(bytes, branchFields, GRAPH_OUTPUT);
  const replacedNodes = new Map<Field, Uint8Array[]>();
  let already = 0;
  for (const [position, output] of branchOutputs.entries()) {
    const outerName = ifNode.outputs[position] ?? "";
    if (!outerName.includes(".encoder.")) continue;
    const node = producer.get(output);
    if (node?.opType === "Constant") {
      already += 1;
      continue;
    }
    const past = outerName.replace("present", "past_key_values");
    const pastInput = outerInputs.get(past);
    if (node === undefined || node.opType !== "Identity" || node.inputs.length !== 1 || node.inputs[0] !== past || pastInput === undefined) {
      return skipped(`${outerName} is not a pass-through of ${past} in the with-past branch`, bytes);
    }
    const heads = dimValue(bytes, pastInput, 1);
    const headDim = dimValue(bytes, pastInput, 3);
    if (heads === null || headDim === null) return skipped(`${past} has no fixed heads/head size`, bytes);
    // Identity reads an outer-scope value and Constant reads nothing, so the node can stay in place.
    replacedNodes.set(node.field, [emptyConstant(output, [1, heads, 0, headDim], elemType(bytes, pastInput))]);
  }
  if (replacedNodes.size === 0) {
    if (already > 0) return { bytes, outcome: { kind: "already-slim", outputs: already, message: `already slim (${already} cross-attention outputs empty)` } };
    return skipped("no cross-attention outputs found", bytes);
  }
  const newBranch = lengthDelimited(branch.number, patched(bytes, branchFields, replacedNodes));
  const newAttribute = lengthDelimited(branchAttribute.number, patched(bytes, attributeFields, new Map([[branch, newBranch]])));
  const newIf = lengthDelimited(ifNode.field.number, patched(bytes, ifNode.fields, new Map([[branchAttribute, newAttribute]])));
  const newGraph = lengthDelimited(graph.number, patched(bytes, graphFields, new Map([[ifNode.field, newIf]])));
  const changed = replacedNodes.size;
  return {
    bytes: concat(patched(bytes, model, new Map([[graph, newGraph]]))),
    outcome: { kind: "slimmed", outputs: changed, message: `slimmed: ${changed} cross-attention outputs of the with-past branch are now empty` },
  };
}

/**
 * Slims the merged decoder in `bytes` (see the module comment). Never throws: bytes that are not a
 * merged Whisper decoder, or not a well-formed ONNX model, come back unchanged with a `skipped`
 * outcome that says why. Idempotent: a slim decoder comes back as `already-slim`.
 */
export function slimDecoder(bytes: Uint8Array<ArrayBuffer>): SlimResult {
  try {
    return slim(bytes);
  } catch (error) {
    if (error instanceof ProtobufError) return skipped(`not a well-formed ONNX model (${error.message})`, bytes);
    throw error;
  }
}

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
import { bytesField, concat, fields, lastMessage, ProtobufError, varintField, type Field } from "./protobuf";
import { DIMENSION_VALUE, SHAPE_DIM, TENSOR_DATA_TYPE, TENSOR_DATA_TYPE_FLOAT, TENSOR_DIMS, TENSOR_NAME, TENSOR_RAW_DATA, TENSOR_TYPE_ELEM_TYPE, TENSOR_TYPE_SHAPE, TYPE_TENSOR_TYPE, VALUE_INFO_TYPE, constantNode } from "./onnx-graph";
import { withBranchPatched, withPastBranch } from "./merged-decoder";

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

function skipped(message: string, bytes: Uint8Array<ArrayBuffer>): SlimResult {
  return { bytes, outcome: { kind: "skipped", message: `skipped: ${message}` } };
}

function slim(bytes: Uint8Array<ArrayBuffer>): SlimResult {
  const found = withPastBranch(bytes);
  if (typeof found === "string") return skipped(found, bytes);
  const { ifNode, outerInputs, producer } = found;
  const replacedNodes = new Map<Field, Uint8Array[]>();
  let already = 0;
  for (const [position, output] of found.outputNames.entries()) {
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
  const changed = replacedNodes.size;
  return {
    bytes: withBranchPatched(bytes, found, replacedNodes),
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

/**
 * Computes a Whisper encoder's self-attention a block of query rows at a time, so ONNX Runtime never
 * holds the whole [batch, heads, 1500, 1500] score matrix, nor its softmax beside it.
 *
 * Whisper's encoder always attends over 1500 positions. Exported as ONNX, each layer runs
 * `MatMul(Q, Kᵀ) → Softmax → MatMul(·, V)`, whose two intermediate tensors are 54 MB each for tiny
 * (6 heads) and 72 MB each for base (8 heads), at the moment the WASM heap reaches its high-water
 * mark, which it keeps for good. Softmax works row by row, so slicing Q along its rows, attending
 * each slice to all of K and V, and concatenating the slices' outputs computes the same values;
 * ONNX Runtime then reuses one slice's buffers for the next. Only graphs that take
 * `input_features` (encoders) are changed, and only where the three nodes feed nothing else.
 */
import { ATTRIBUTE_I, ATTRIBUTE_NAME, ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT, constantNode, GRAPH_INPUT, GRAPH_NODE, GRAPH_OUTPUT, MODEL_GRAPH, nodeField, readNode, TENSOR_DATA_TYPE, TENSOR_DATA_TYPE_INT64, TENSOR_DIMS, TENSOR_RAW_DATA, valueInfoNames, type OnnxNode } from "./onnx-graph";
import { bytesField, concat, encodeVarint, fields, lastMessage, lengthDelimited, texts, varintField, type Field } from "./protobuf";

/** Positions a Whisper encoder attends over (30 s of audio: 3000 log-mel frames, halved by its convolutions). */
const ENCODER_POSITIONS = 1500;
/** Query rows per slice: 300 gives five slices of Whisper's 1500 positions (11 MB of scores each for tiny). */
export const ATTENTION_ROWS = 300;

/** The rewritten model and how many attention blocks were sliced. */
export interface ChunkedAttention {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly blocks: number;
}

function intAttribute(name: string, value: number): Uint8Array {
  return concat([bytesField(ATTRIBUTE_NAME, name), varintField(ATTRIBUTE_I, value), varintField(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT)]);
}

/** A Constant node holding a one-element int64 tensor. */
function int64Constant(name: string, output: string, value: bigint): Uint8Array {
  const raw = new Uint8Array(new BigInt64Array([value]).buffer);
  return constantNode(name, output, concat([varintField(TENSOR_DIMS, 1), varintField(TENSOR_DATA_TYPE, TENSOR_DATA_TYPE_INT64), bytesField(TENSOR_RAW_DATA, raw)]));
}

interface Block {
  readonly first: OnnxNode;
  readonly softmax: OnnxNode;
  readonly second: OnnxNode;
}

const MODEL_OPSET_IMPORT = 8;
const OPSET_DOMAIN = 1;
const OPSET_VERSION = 2;
/** -1 as a protobuf int64 varint (ten bytes; a varint read as a number cannot tell -1 from -2). */
const MINUS_ONE = encodeVarint(-1);

/** The version of the default ONNX operator set the model imports, 0 when it says none. */
function onnxOpset(model: Uint8Array, top: readonly Field[]): number {
  for (const field of top.filter((item) => item.number === MODEL_OPSET_IMPORT && item.wireType === 2)) {
    const entry = fields(model, field.valueStart, field.end);
    if ((texts(model, field.valueStart, field.end, OPSET_DOMAIN)[0] ?? "") !== "") continue;
    return entry.find((item) => item.number === OPSET_VERSION && item.wireType === 0)?.varint ?? 0;
  }
  return 0;
}

/**
 * True when the Softmax normalises each row on its own (its last axis), the only case where
 * slicing rows changes nothing: from opset 13 with no axis (-1 by default), -1, or 3 (the last
 * axis of attention's rank-4 scores). Before opset 13 Softmax flattened from `axis`, 1 by default.
 */
function softmaxOverRows(model: Uint8Array, softmax: OnnxNode, opset: number): boolean {
  const axis = softmax.attributes.find((field) => texts(model, field.valueStart, field.end, ATTRIBUTE_NAME)[0] === "axis");
  if (axis === undefined) return opset >= 13;
  const value = fields(model, axis.valueStart, axis.end).find((field) => field.number === ATTRIBUTE_I && field.wireType === 0);
  if (value === undefined) return false;
  const raw = model.subarray(value.valueStart, value.end);
  return value.varint === 3 || (raw.length === MINUS_ONE.length && raw.every((byte, index) => byte === MINUS_ONE[index]));
}

/** `MatMul → Softmax (over rows) → MatMul` triples whose intermediate outputs feed nothing else. */
function attentionBlocks(model: Uint8Array, nodes: readonly OnnxNode[], graphOutputs: ReadonlySet<string>, opset: number): Block[] {
  const uses = new Map<string, number>();
  for (const node of nodes) for (const input of node.inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
  const producer = new Map<string, OnnxNode>();
  for (const node of nodes) for (const output of node.outputs) producer.set(output, node);
  const onlyUse = (name: string): boolean => uses.get(name) === 1 && !graphOutputs.has(name);
  const blocks: Block[] = [];
  for (const second of nodes) {
    if (second.opType !== "MatMul" || second.domain !== "" || second.inputs.length !== 2) continue;
    const softmax = producer.get(second.inputs[0] ?? "");
    if (softmax?.opType !== "Softmax" || softmax.domain !== "" || !onlyUse(second.inputs[0] ?? "")) continue;
    const first = producer.get(softmax.inputs[0] ?? "");
    if (first?.opType !== "MatMul" || first.domain !== "" || first.inputs.length !== 2 || !onlyUse(softmax.inputs[0] ?? "")) continue;
    if (!softmaxOverRows(model, softmax, opset)) continue;
    blocks.push({ first, softmax, second });
  }
  return blocks;
}

/**
 * `model` with each encoder self-attention computed `rows` query rows at a time, or null when
 * the graph is not an encoder (no `input_features` input) or has no such attention. Only the
 * graph's node list is re-encoded; everything else is copied as it was. Slices are cut with
 * `Slice` (the last one runs to the end, whatever the length), so any sequence length works.
 */
export function chunkEncoderAttention(model: Uint8Array, rows = ATTENTION_ROWS): ChunkedAttention | null {
  const top = fields(model);
  const graph = lastMessage(top, MODEL_GRAPH);
  if (graph === undefined) return null;
  const graphFields = fields(model, graph.valueStart, graph.end);
  if (!valueInfoNames(model, graphFields, GRAPH_INPUT).includes("input_features")) return null;
  const graphOutputs = new Set(valueInfoNames(model, graphFields, GRAPH_OUTPUT));
  const nodes = graphFields.filter((field) => field.number === GRAPH_NODE && field.wireType === 2).map((field) => readNode(model, field));
  const blocks = attentionBlocks(model, nodes, graphOutputs, onnxOpset(model, top));
  if (blocks.length === 0) return null;

  const slices = Math.ceil(ENCODER_POSITIONS / rows);
  const prefix = "chunked_attention";
  const axes = `${prefix}/axes`;
  const bound = (index: number): string => `${prefix}/bound_${index}`;
  // Slice bounds shared by every block: 0, rows, 2·rows, …, and "to the end" for the last slice.
  const constants: Uint8Array[] = [int64Constant(`${prefix}/axes_node`, axes, -2n)];
  for (let index = 0; index <= slices; index += 1) {
    constants.push(int64Constant(`${prefix}/bound_${index}_node`, bound(index), index === slices ? 9223372036854775807n : BigInt(index * rows)));
  }
  const removed = new Set<Field>(blocks.flatMap((block) => [block.first.field, block.softmax.field]));
  const replaced = new Map<Field, Uint8Array[]>();
  blocks.forEach((block, number) => {
    const [query = "", keys = ""] = block.first.inputs;
    const values = block.second.inputs[1] ?? "";
    const softmaxAttributes = block.softmax.attributes.map((field) => model.subarray(field.valueStart, field.end));
    const name = `${prefix}/${number}`;
    const parts: Uint8Array[] = [];
    const sliceOutputs: string[] = [];
    for (let index = 0; index < slices; index += 1) {
      const at = `${name}/${index}`;
      parts.push(
        nodeField("Slice", `${at}/slice`, [query, bound(index), bound(index + 1), axes], [`${at}/query`]),
        nodeField("MatMul", `${at}/scores`, [`${at}/query`, keys], [`${at}/scores`]),
        nodeField("Softmax", `${at}/softmax`, [`${at}/scores`], [`${at}/weights`], softmaxAttributes),
        nodeField("MatMul", `${at}/output`, [`${at}/weights`, values], [`${at}/output`]),
      );
      sliceOutputs.push(`${at}/output`);
    }
    parts.push(nodeField("Concat", `${name}/concat`, sliceOutputs, block.second.outputs, [intAttribute("axis", -2)]));
    replaced.set(block.second.field, parts);
  });

  const graphParts: Uint8Array[] = [];
  let constantsPlaced = false;
  for (const field of graphFields) {
    if (field.number === GRAPH_NODE && field.wireType === 2 && !constantsPlaced) {
      graphParts.push(...constants);
      constantsPlaced = true;
    }
    if (removed.has(field)) continue;
    graphParts.push(...(replaced.get(field) ?? [model.subarray(field.start, field.end)]));
  }
  const modelParts: Uint8Array[] = [];
  for (const field of top) {
    if (field === graph) modelParts.push(...lengthDelimited(MODEL_GRAPH, graphParts));
    else modelParts.push(model.subarray(field.start, field.end));
  }
  return { bytes: concat(modelParts), blocks: blocks.length };
}

/**
 * What the ONNX rewrites (slim-decoder.ts, external-weights.ts, chunked-attention.ts) share: the
 * onnx.proto field numbers they walk, a node as read from the bytes, and the nodes they write.
 * Built on the minimal reader and writer of ./protobuf.ts, so nothing is copied that is not changed.
 */
import { bytesField, concat, fields, text, texts, varintField, type Field } from "./protobuf";

// onnx.proto field numbers.
export const MODEL_GRAPH = 7;
export const GRAPH_NODE = 1;
export const GRAPH_INITIALIZER = 5;
export const GRAPH_INPUT = 11;
export const GRAPH_OUTPUT = 12;
export const NODE_INPUT = 1;
export const NODE_OUTPUT = 2;
export const NODE_NAME = 3;
export const NODE_OP_TYPE = 4;
export const NODE_ATTRIBUTE = 5;
export const NODE_DOMAIN = 7;
export const ATTRIBUTE_NAME = 1;
export const ATTRIBUTE_I = 3;
export const ATTRIBUTE_T = 5;
export const ATTRIBUTE_G = 6;
export const ATTRIBUTE_GRAPHS = 11;
export const ATTRIBUTE_TYPE = 20;
export const ATTRIBUTE_TYPE_INT = 2;
export const ATTRIBUTE_TYPE_TENSOR = 4;
export const TENSOR_DIMS = 1;
export const TENSOR_DATA_TYPE = 2;
export const TENSOR_DATA_TYPE_FLOAT = 1;
export const TENSOR_DATA_TYPE_INT64 = 7;
export const TENSOR_NAME = 8;
export const TENSOR_RAW_DATA = 9;
export const TENSOR_EXTERNAL_DATA = 13;
export const TENSOR_DATA_LOCATION = 14;
export const DATA_LOCATION_EXTERNAL = 1;
export const ENTRY_KEY = 1;
export const ENTRY_VALUE = 2;
export const VALUE_INFO_NAME = 1;
export const VALUE_INFO_TYPE = 2;
export const TYPE_TENSOR_TYPE = 1;
export const TENSOR_TYPE_ELEM_TYPE = 1;
export const TENSOR_TYPE_SHAPE = 2;
export const SHAPE_DIM = 1;
export const DIMENSION_VALUE = 1;

/** The names of a graph's inputs or outputs (`number`: GRAPH_INPUT or GRAPH_OUTPUT), in order, from its fields. */
export function valueInfoNames(bytes: Uint8Array, graphFields: readonly Field[], number: number): string[] {
  return graphFields.filter((field) => field.number === number && field.wireType === 2).map((field) => texts(bytes, field.valueStart, field.end, VALUE_INFO_NAME).at(-1) ?? "");
}

/** A NodeProto, located in the bytes it was read from. */
export interface OnnxNode {
  readonly field: Field;
  readonly opType: string;
  /** "" for the default ONNX domain. */
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly Field[];
  /** All of the node's fields, the attributes among them. */
  readonly fields: readonly Field[];
}

/** The node whose NodeProto is the payload of `field`. */
export function readNode(bytes: Uint8Array, field: Field): OnnxNode {
  const list = fields(bytes, field.valueStart, field.end);
  const strings = (number: number): string[] => list.filter((item) => item.number === number && item.wireType === 2).map((item) => text(bytes, item));
  return {
    field,
    opType: strings(NODE_OP_TYPE).at(-1) ?? "",
    domain: strings(NODE_DOMAIN).at(-1) ?? "",
    inputs: strings(NODE_INPUT),
    outputs: strings(NODE_OUTPUT),
    attributes: list.filter((item) => item.number === NODE_ATTRIBUTE && item.wireType === 2),
    fields: list,
  };
}

/** A whole GraphProto `node` field: a node of the default domain with these inputs, outputs and AttributeProto payloads. */
export function nodeField(opType: string, name: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly Uint8Array[] = []): Uint8Array {
  return bytesField(
    GRAPH_NODE,
    concat([
      ...inputs.map((input) => bytesField(NODE_INPUT, input)),
      ...outputs.map((output) => bytesField(NODE_OUTPUT, output)),
      bytesField(NODE_NAME, name),
      bytesField(NODE_OP_TYPE, opType),
      ...attributes.map((attribute) => bytesField(NODE_ATTRIBUTE, attribute)),
    ]),
  );
}

/** A Constant node named `name` whose `value` is the TensorProto payload `tensor`. */
export function constantNode(name: string, output: string, tensor: Uint8Array): Uint8Array {
  const attribute = concat([bytesField(ATTRIBUTE_NAME, "value"), bytesField(ATTRIBUTE_T, tensor), varintField(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_TENSOR)]);
  return nodeField("Constant", name, [], [output], [attribute]);
}

/**
 * What the rewrites of a merged Whisper decoder (slim-decoder.ts, new-cache-rows.ts) share: finding
 * the with-past branch (`then_branch`) of its single `If(use_cache_branch)`, and writing the model
 * back with only that branch's changed fields re-encoded; every other byte is copied as a slice.
 */
import { concat, fields, lastMessage, lengthDelimited, texts, type Field } from "./protobuf";
import { ATTRIBUTE_G, ATTRIBUTE_NAME, GRAPH_INPUT, GRAPH_NODE, GRAPH_OUTPUT, MODEL_GRAPH, VALUE_INFO_NAME, readNode, valueInfoNames, type OnnxNode } from "./onnx-graph";

/** A merged decoder's with-past branch, located in the model's bytes. */
export interface WithPastBranch {
  readonly model: readonly Field[];
  readonly graph: Field;
  readonly graphFields: readonly Field[];
  readonly ifNode: OnnxNode;
  readonly branchAttribute: Field;
  readonly attributeFields: readonly Field[];
  readonly branch: Field;
  readonly branchFields: readonly Field[];
  /** The outer graph's inputs (ValueInfoProto fields) by name. */
  readonly outerInputs: ReadonlyMap<string, Field>;
  /** The branch's nodes by the values they produce. */
  readonly producer: ReadonlyMap<string, OnnxNode>;
  /** The branch's output ValueInfoProto fields, in the If node's output order. */
  readonly outputFields: readonly Field[];
  readonly outputNames: readonly string[];
}

/** The with-past branch of the merged decoder in `bytes`, or a sentence saying why there is none. Throws ProtobufError on bytes that do not parse. */
export function withPastBranch(bytes: Uint8Array): WithPastBranch | string {
  const model = fields(bytes);
  const graph = lastMessage(model, MODEL_GRAPH);
  if (graph === undefined) return "not an ONNX model (no graph)";
  const graphFields = fields(bytes, graph.valueStart, graph.end);
  const ifs = graphFields.filter((field) => field.number === GRAPH_NODE && field.wireType === 2).map((field) => readNode(bytes, field)).filter((node) => node.opType === "If");
  const ifNode = ifs[0];
  if (ifNode === undefined || ifs.length !== 1) return "not a merged decoder (no single If node)";
  const outerInputs = new Map<string, Field>();
  for (const field of graphFields) {
    if (field.number !== GRAPH_INPUT || field.wireType !== 2) continue;
    const name = texts(bytes, field.valueStart, field.end, VALUE_INFO_NAME).at(-1);
    if (name !== undefined) outerInputs.set(name, field);
  }
  const branchAttribute = ifNode.attributes.find((field) => texts(bytes, field.valueStart, field.end, ATTRIBUTE_NAME).at(-1) === "then_branch");
  const attributeFields = branchAttribute === undefined ? [] : fields(bytes, branchAttribute.valueStart, branchAttribute.end);
  const branch = lastMessage(attributeFields, ATTRIBUTE_G);
  if (branchAttribute === undefined || branch === undefined) return "the If node has no then_branch";
  const branchFields = fields(bytes, branch.valueStart, branch.end);
  const producer = new Map<string, OnnxNode>();
  for (const field of branchFields) {
    if (field.number !== GRAPH_NODE || field.wireType !== 2) continue;
    const node = readNode(bytes, field);
    for (const output of node.outputs) producer.set(output, node);
  }
  const outputFields = branchFields.filter((field) => field.number === GRAPH_OUTPUT && field.wireType === 2);
  return { model, graph, graphFields, ifNode, branchAttribute, attributeFields, branch, branchFields, outerInputs, producer, outputFields, outputNames: valueInfoNames(bytes, branchFields, GRAPH_OUTPUT) };
}

/**
 * The payload of a message whose fields are `list`, with the fields in `replaced` swapped for new
 * parts; runs of untouched fields stay views into `bytes`.
 */
export function patched(bytes: Uint8Array, list: readonly Field[], replaced: ReadonlyMap<Field, readonly Uint8Array[]>): Uint8Array[] {
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

/** The whole model with the branch's fields in `replaced` swapped for new parts. */
export function withBranchPatched(bytes: Uint8Array, found: WithPastBranch, replaced: ReadonlyMap<Field, readonly Uint8Array[]>): Uint8Array<ArrayBuffer> {
  const { model, graph, graphFields, ifNode, branchAttribute, attributeFields, branch, branchFields } = found;
  const newBranch = lengthDelimited(branch.number, patched(bytes, branchFields, replaced));
  const newAttribute = lengthDelimited(branchAttribute.number, patched(bytes, attributeFields, new Map([[branch, newBranch]])));
  const newIf = lengthDelimited(ifNode.field.number, patched(bytes, ifNode.fields, new Map([[branchAttribute, newAttribute]])));
  const newGraph = lengthDelimited(graph.number, patched(bytes, graphFields, new Map([[ifNode.field, newIf]])));
  return concat(patched(bytes, model, new Map([[graph, newGraph]])));
}

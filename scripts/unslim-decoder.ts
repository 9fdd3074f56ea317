/**
 * The inverse of lib/model/slim-decoder.ts, for tests and the benchmark only: turns a slim merged
 * decoder back into the Hub's (optimum's) unslimmed layout. In the with-past branch each Constant
 * that returns an empty `present.N.encoder.*` becomes `Identity(past_key_values.N.encoder.*)`
 * again, so the decoder copies the cross-attention cache out at every token, as the files on the
 * Hub do. Used by scripts/make-hub-fixture.ts and by the benchmark's default-path row.
 */
import { byteLength, bytesField, concat, fields, lastMessage, lengthHeader, text, texts, type Field } from "../lib/model/protobuf";

const isMessage = (number: number) => (field: Field) => field.number === number && field.wireType === 2;

function splice(bytes: Uint8Array, list: readonly Field[], swap: ReadonlyMap<Field, Uint8Array>): Uint8Array[] {
  return list.map((field) => swap.get(field) ?? bytes.subarray(field.start, field.end));
}

function wrap(field: Field, parts: readonly Uint8Array[]): Uint8Array {
  return concat([lengthHeader(field.number, byteLength(parts)), ...parts]);
}

/** `bytes` (a slim merged decoder) with its cross-attention outputs passed through again; `restored` counts them. */
export function unslimDecoder(bytes: Uint8Array): { bytes: Uint8Array; restored: number } {
  const model = fields(bytes);
  const graph = lastMessage(model, 7);
  if (graph === undefined) throw new Error("no graph");
  const graphFields = fields(bytes, graph.valueStart, graph.end);
  const ifField = graphFields.filter(isMessage(1)).find((field) => texts(bytes, field.valueStart, field.end, 4).at(-1) === "If");
  if (ifField === undefined) throw new Error("no If node");
  const ifFields = fields(bytes, ifField.valueStart, ifField.end);
  const outerOutputs = texts(bytes, ifField.valueStart, ifField.end, 2);
  const attribute = ifFields.filter(isMessage(5)).find((field) => texts(bytes, field.valueStart, field.end, 1).at(-1) === "then_branch");
  if (attribute === undefined) throw new Error("no then_branch");
  const attributeFields = fields(bytes, attribute.valueStart, attribute.end);
  const branch = lastMessage(attributeFields, 6);
  if (branch === undefined) throw new Error("then_branch has no graph");
  const branchFields = fields(bytes, branch.valueStart, branch.end);
  const branchOutputs = branchFields.filter(isMessage(12)).map((field) => texts(bytes, field.valueStart, field.end, 1).at(-1) ?? "");
  const swap = new Map<Field, Uint8Array>();
  for (const node of branchFields.filter(isMessage(1))) {
    const nodeFields = fields(bytes, node.valueStart, node.end);
    const opType = nodeFields.filter(isMessage(4)).map((field) => text(bytes, field)).at(-1);
    const output = nodeFields.filter(isMessage(2)).map((field) => text(bytes, field))[0] ?? "";
    const outer = outerOutputs[branchOutputs.indexOf(output)] ?? "";
    if (opType !== "Constant" || !outer.includes(".encoder.")) continue;
    const past = outer.replace("present", "past_key_values");
    swap.set(node, bytesField(1, concat([bytesField(1, past), bytesField(2, output), bytesField(3, `${output}_identity`), bytesField(4, "Identity")])));
  }
  const newBranch = wrap(branch, splice(bytes, branchFields, swap));
  const newAttribute = wrap(attribute, splice(bytes, attributeFields, new Map([[branch, newBranch]])));
  const newIf = wrap(ifField, splice(bytes, ifFields, new Map([[attribute, newAttribute]])));
  const newGraph = wrap(graph, splice(bytes, graphFields, new Map([[ifField, newIf]])));
  return { bytes: concat(splice(bytes, model, new Map([[graph, newGraph]]))), restored: swap.size };
}

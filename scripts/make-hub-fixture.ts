// Makes test/fixtures/models-hub/whisper-tiny: the committed tiny fixture model with its merged
// decoders turned back into the Hub's (optimum's) unslimmed layout, the inverse of
// lib/model/slim-decoder.ts: in the with-past branch each Constant that returns an empty
// `present.N.encoder.*` becomes `Identity(past_key_values.N.encoder.*)` again. The other files are
// copied as they are. Deterministic; run again after the fixture models change:
//
//   npx tsx scripts/make-hub-fixture.ts
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { byteLength, bytesField, concat, fields, lastMessage, lengthHeader, text, texts, type Field } from "../lib/model/protobuf";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FROM = join(ROOT, "test/fixtures/models/whisper-tiny");
const TO = join(ROOT, "test/fixtures/models-hub/whisper-tiny");

const isMessage = (number: number) => (field: Field) => field.number === number && field.wireType === 2;

function splice(bytes: Uint8Array, list: readonly Field[], swap: ReadonlyMap<Field, Uint8Array>): Uint8Array[] {
  return list.map((field) => swap.get(field) ?? bytes.subarray(field.start, field.end));
}

function wrap(field: Field, parts: readonly Uint8Array[]): Uint8Array {
  return concat([lengthHeader(field.number, byteLength(parts)), ...parts]);
}

function unslim(bytes: Uint8Array): { bytes: Uint8Array; restored: number } {
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

mkdirSync(join(TO, "onnx"), { recursive: true });
for (const file of readdirSync(FROM)) if (file.endsWith(".json")) copyFileSync(join(FROM, file), join(TO, file));
// The q4f16 decoder keeps float16 caches: it checks that slimming keeps their element type.
for (const file of ["decoder_model_merged.onnx", "decoder_model_merged_quantized.onnx", "decoder_model_merged_q4f16.onnx"]) {
  const result = unslim(new Uint8Array(readFileSync(join(FROM, "onnx", file))));
  writeFileSync(join(TO, "onnx", file), result.bytes);
  process.stdout.write(`${file}: ${result.restored} cross-attention outputs are pass-throughs again\n`);
}
for (const file of ["encoder_model.onnx", "encoder_model_quantized.onnx"]) copyFileSync(join(FROM, "onnx", file), join(TO, "onnx", file));

// slimDecoder on the Hub-layout (unslimmed) fixture and on what it writes: the with-past branch's
// cross-attention outputs become empty Constants of the right shape, a second run changes nothing,
// and anything that is not a merged decoder comes back untouched with a reason.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fields, lastMessage, texts, type Field } from "@/lib/model/protobuf";
import { MERGED_DECODER_FILE, slimDecoder } from "@/lib/model/slim-decoder";

const fixture = (path: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url))));
const HUB = "models-hub/whisper-tiny/onnx/";
const SLIM = "models/whisper-tiny/onnx/";

const messages = (bytes: Uint8Array, parent: Field, number: number): Field[] => fields(bytes, parent.valueStart, parent.end).filter((field) => field.number === number && field.wireType === 2);

interface BranchNode {
  readonly opType: string;
  readonly inputs: string[];
  readonly output: string;
  readonly dims: number[];
  readonly dataType: number | undefined;
}

/** The nodes of the If node's then_branch that produce the `present.N.encoder.*` outputs. */
function crossAttentionProducers(bytes: Uint8Array): BranchNode[] {
  const graph = lastMessage(fields(bytes), 7);
  if (graph === undefined) throw new Error("no graph");
  const ifNode = messages(bytes, graph, 1).find((node) => texts(bytes, node.valueStart, node.end, 4).at(-1) === "If");
  if (ifNode === undefined) throw new Error("no If");
  const outer = texts(bytes, ifNode.valueStart, ifNode.end, 2);
  const attribute = messages(bytes, ifNode, 5).find((field) => texts(bytes, field.valueStart, field.end, 1).at(-1) === "then_branch");
  const branch = attribute && lastMessage(fields(bytes, attribute.valueStart, attribute.end), 6);
  if (branch === undefined) throw new Error("no then_branch");
  const outputs = messages(bytes, branch, 12).map((field) => texts(bytes, field.valueStart, field.end, 1)[0] ?? "");
  const wanted = new Set(outputs.filter((_, index) => (outer[index] ?? "").includes(".encoder.")));
  return messages(bytes, branch, 1)
    .map((node) => {
      const tensor = messages(bytes, node, 5).flatMap((attr) => messages(bytes, attr, 5))[0];
      const dims = tensor === undefined ? [] : fields(bytes, tensor.valueStart, tensor.end).filter((field) => field.number === 1).map((field) => field.varint);
      const dataType = tensor === undefined ? undefined : fields(bytes, tensor.valueStart, tensor.end).find((field) => field.number === 2)?.varint;
      return { opType: texts(bytes, node.valueStart, node.end, 4)[0] ?? "", inputs: texts(bytes, node.valueStart, node.end, 1), output: texts(bytes, node.valueStart, node.end, 2)[0] ?? "", dims, dataType };
    })
    .filter((node) => wanted.has(node.output));
}

describe("slimDecoder", () => {
  for (const file of ["decoder_model_merged.onnx", "decoder_model_merged_quantized.onnx"]) {
    it(`turns the pass-throughs of ${file} into empty [1, heads, 0, head_dim] Constants`, () => {
      const hub = fixture(HUB + file);
      const before = crossAttentionProducers(hub);
      expect(before).toHaveLength(4);
      for (const node of before) {
        expect(node.opType).toBe("Identity");
        expect(node.inputs[0]).toMatch(/^past_key_values\.\d\.encoder\.(key|value)$/);
      }
      const { bytes, outcome } = slimDecoder(hub);
      expect(outcome).toEqual({ kind: "slimmed", outputs: 4, message: "slimmed: 4 cross-attention outputs of the with-past branch are now empty" });
      const after = crossAttentionProducers(bytes);
      expect(after.map((node) => node.output)).toEqual(before.map((node) => node.output));
      // fixture-tiny: d_model 64, 4 heads, so head_dim 16.
      for (const node of after) expect(node).toMatchObject({ opType: "Constant", inputs: [], dims: [1, 4, 0, 16], dataType: 1 });
      // Same size as the fixture slimmed by scripts/slim-decoder.py: only the nodes changed.
      expect(bytes.length).toBe(fixture(SLIM + file).length);
    });
  }

  it("keeps the float16 element type of a q4f16 decoder's caches in its empty Constants", () => {
    const file = "decoder_model_merged_q4f16.onnx";
    const { bytes, outcome } = slimDecoder(fixture(HUB + file));
    expect(outcome.kind).toBe("slimmed");
    // TensorProto.DataType FLOAT16 is 10: an empty float32 tensor here would not match the If's float16 output.
    for (const node of crossAttentionProducers(bytes)) expect(node).toMatchObject({ opType: "Constant", inputs: [], dims: [1, 4, 0, 16], dataType: 10 });
    // The same bytes as scripts/slim-decoder.py wrote for the committed fixture.
    expect(bytes).toEqual(fixture(SLIM + file));
  });

  it("is idempotent: a slim decoder comes back as the same bytes", () => {
    const once = slimDecoder(fixture(HUB + "decoder_model_merged.onnx")).bytes;
    const twice = slimDecoder(once);
    expect(twice.outcome).toEqual({ kind: "already-slim", outputs: 4, message: "already slim (4 cross-attention outputs empty)" });
    expect(twice.bytes).toBe(once);
    expect(slimDecoder(fixture(SLIM + "decoder_model_merged_quantized.onnx")).outcome.kind).toBe("already-slim");
  });

  it("skips an encoder: not a merged decoder", () => {
    const encoder = fixture(HUB + "encoder_model.onnx");
    const result = slimDecoder(encoder);
    expect(result.outcome).toEqual({ kind: "skipped", message: "skipped: not a merged decoder (no single If node)" });
    expect(result.bytes).toBe(encoder);
  });

  it("skips malformed bytes with a reason instead of throwing", () => {
    const cases: Uint8Array<ArrayBuffer>[] = [
      new Uint8Array(0),
      new TextEncoder().encode("<!doctype html><title>404</title>"),
      fixture(HUB + "decoder_model_merged.onnx").slice(0, 100_000),
      Uint8Array.from([0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    ];
    for (const bytes of cases) {
      const result = slimDecoder(bytes);
      expect(result.outcome.kind).toBe("skipped");
      expect(result.outcome.message).toMatch(/^skipped: /);
      expect(result.bytes).toBe(bytes);
    }
  });

  it("names merged decoder files of every dtype, and nothing else", () => {
    for (const name of ["onnx/decoder_model_merged.onnx", "https://huggingface.co/x/y/resolve/main/onnx/decoder_model_merged_q4f16.onnx", "decoder_model_merged_quantized.onnx"]) expect(MERGED_DECODER_FILE.test(name)).toBe(true);
    for (const name of ["onnx/encoder_model.onnx", "onnx/decoder_model.onnx", "onnx/decoder_model_merged.onnx_data", "config.json"]) expect(MERGED_DECODER_FILE.test(name)).toBe(false);
  });
});

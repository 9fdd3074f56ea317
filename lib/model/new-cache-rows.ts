/**
 * Makes a merged Whisper decoder hand out only the new rows of its self-attention cache at each
 * step, instead of the whole cache (lib/transcription/cache-rows.ts puts the whole back together
 * in buffers it reuses).
 *
 * In the with-past branch (`then_branch`) of the decoder's `If(use_cache_branch)`, each
 * `present.N.decoder.key/value` is `Concat(past_key_values.N.decoder.*, new, axis 2)`. ONNX Runtime
 * Web copies every output into a fresh JavaScript ArrayBuffer, so at token t the whole t-row cache
 * comes out again (tiny: 8 × 384 floats per row; base: 12 × 512), garbage a step later: summed over
 * a 100-token window, ~60 MB for tiny and ~120 MB for base, which V8 lets pile up between
 * collections. The rewrite points those branch outputs at the Concat's second input (the step's
 * own row) instead; the Concat stays, feeding the attention as before. Only the branch's output
 * names change; all other bytes are copied as slices.
 */
import { bytesField, encodeVarint, fields, lengthDelimited, texts, type Field } from "./protobuf";
import { ATTRIBUTE_I, ATTRIBUTE_NAME, VALUE_INFO_NAME, type OnnxNode } from "./onnx-graph";
import { patched, withBranchPatched, withPastBranch } from "./merged-decoder";

const SELF_ATTENTION_PRESENT = /^present\.\d+\.decoder\.(key|value)$/;
const MINUS_TWO = encodeVarint(-2);

/** The rewritten decoder and the outer outputs that now carry only the step's new rows. */
export interface NewCacheRows {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly outputs: readonly string[];
}

/** True when the Concat joins along the sequence axis of a [batch, heads, sequence, head size] cache: 2 or -2. */
function concatOnSequence(bytes: Uint8Array, node: OnnxNode): boolean {
  const axis = node.attributes.find((field) => texts(bytes, field.valueStart, field.end, ATTRIBUTE_NAME)[0] === "axis");
  const value = axis && fields(bytes, axis.valueStart, axis.end).find((field) => field.number === ATTRIBUTE_I && field.wireType === 0);
  if (value === undefined) return false;
  const raw = bytes.subarray(value.valueStart, value.end);
  return value.varint === 2 || (raw.length === MINUS_TWO.length && raw.every((byte, index) => byte === MINUS_TWO[index]));
}

/**
 * `bytes` (a merged decoder's graph) with the with-past branch's self-attention cache outputs
 * reduced to the step's new rows, or null when the graph is not a merged decoder or any of those
 * outputs is not the expected Concat (all or none: the caller must know which outputs changed).
 * Throws ProtobufError on bytes that do not parse.
 */
export function newCacheRows(bytes: Uint8Array): NewCacheRows | null {
  const found = withPastBranch(bytes);
  if (typeof found === "string") return null;
  const outputs: string[] = [];
  const replaced = new Map<Field, Uint8Array[]>();
  const taken = new Set(found.outputNames);
  for (const [position, output] of found.outputNames.entries()) {
    const outerName = found.ifNode.outputs[position] ?? "";
    if (!SELF_ATTENTION_PRESENT.test(outerName)) continue;
    const node = found.producer.get(output);
    const fresh = node?.inputs[1];
    const field = found.outputFields[position];
    if (node?.opType !== "Concat" || node.domain !== "" || node.inputs.length !== 2 || fresh === undefined || field === undefined) return null;
    if (node.inputs[0] !== outerName.replace("present", "past_key_values") || !concatOnSequence(bytes, node) || taken.has(fresh)) return null;
    taken.add(fresh);
    // The output's ValueInfoProto keeps its type (its shape's sequence dimension is symbolic) and takes the new row's name.
    const infoFields = fields(bytes, field.valueStart, field.end);
    const names = infoFields.filter((item) => item.number === VALUE_INFO_NAME && item.wireType === 2);
    replaced.set(field, lengthDelimited(field.number, [bytesField(VALUE_INFO_NAME, fresh), ...patched(bytes, infoFields, new Map(names.map((item) => [item, []])))]));
    outputs.push(outerName);
  }
  if (outputs.length === 0) return null;
  return { bytes: withBranchPatched(bytes, found, replaced), outputs };
}

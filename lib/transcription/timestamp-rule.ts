/**
 * Whisper's timestamp rule without its per-token garbage. transformers.js applies the rule in
 * `WhisperTimeStampLogitsProcessor._call` once per generated token: it builds the whole
 * vocabulary's log-softmax as a new Float32Array (51 865 values, through a callback per value),
 * maps the timestamp part through `Math.exp` into another array, then scans the text part again.
 * Profiled on whisper-base in Node that is ~5–8 ms of JavaScript per token — on a 30 s window of
 * 100 tokens about half a second in which ONNX Runtime's threads wait, and two short-lived
 * 200 kB arrays per token for the garbage collector.
 *
 * {@link timestampRule} decides exactly as the original, bit for bit: the same masks, and the same
 * comparison computed from the same float32-rounded log-probabilities (`Math.fround`, the rounding
 * the original's Float32Array stores apply), summed in the same order — in two passes over the row
 * and no allocation. {@link useTimestampRule} puts it in place of the original on the class's
 * prototype; test/unit/lib/transcription/timestamp-rule.test.ts runs both on random rows and
 * requires identical output, so a transformers.js upgrade that changed the rule would fail there.
 */

/** The fields transformers.js 4.3's `WhisperTimeStampLogitsProcessor` sets in its constructor. */
export interface TimestampRuleState {
  readonly eos_token_id: number;
  readonly no_timestamps_token_id: number;
  readonly timestamp_begin: number;
  readonly begin_index: number;
}

/** The part of a transformers.js Tensor the rule reads: `[batch, vocabulary]` float32 logits. */
export interface LogitsLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}

/**
 * Applies Whisper's timestamp rule to each row of `logits` in place, as transformers.js 4.3's
 * `WhisperTimeStampLogitsProcessor._call` does, and returns whether it could (false: the logits are
 * not float32 or the sizes do not fit, and nothing was changed — run the original then).
 */
export function timestampRule(state: TimestampRuleState, inputIds: readonly (readonly bigint[])[], logits: LogitsLike): boolean {
  const vocabulary = logits.dims.at(-1) ?? 0;
  const { eos_token_id: eos, no_timestamps_token_id: noTimestamps, timestamp_begin: timestampBegin, begin_index: beginIndex } = state;
  if (!(logits.data instanceof Float32Array) || logits.data.length < inputIds.length * vocabulary || timestampBegin <= 0 || timestampBegin >= vocabulary) return false;
  const data = logits.data;
  inputIds.forEach((ids, batch) => {
    const row = data.subarray(batch * vocabulary, (batch + 1) * vocabulary);
    row[noTimestamps] = Number.NEGATIVE_INFINITY;
    // Right after the prompt only a timestamp may come.
    if (ids.length === beginIndex) {
      row.fill(Number.NEGATIVE_INFINITY, 0, timestampBegin);
      return;
    }
    const generated = ids.length - beginIndex;
    const last = ids[ids.length - 1];
    const penultimate = ids[ids.length - 2];
    const lastWasTimestamp = generated >= 1 && last !== undefined && last >= timestampBegin;
    const penultimateWasTimestamp = generated < 2 || (penultimate !== undefined && penultimate >= timestampBegin);
    if (lastWasTimestamp) {
      // Timestamps come in pairs: after a closing one, text or end-of-text; after an opening one, a closing one.
      if (penultimateWasTimestamp) row.fill(Number.NEGATIVE_INFINITY, timestampBegin);
      else row.fill(Number.NEGATIVE_INFINITY, 0, eos);
    }
    // When the timestamps together are likelier than any single text token, a timestamp comes next.
    let top = row[0] ?? Number.NEGATIVE_INFINITY;
    let topText = top;
    for (let k = 1; k < timestampBegin; k += 1) {
      const value = row[k] ?? Number.NEGATIVE_INFINITY;
      if (value > topText) topText = value;
    }
    if (topText > top) top = topText;
    for (let k = timestampBegin; k < vocabulary; k += 1) {
      const value = row[k] ?? Number.NEGATIVE_INFINITY;
      if (value > top) top = value;
    }
    let sum = 0;
    for (let k = 0; k < vocabulary; k += 1) sum += Math.exp((row[k] ?? 0) - top);
    const logSum = Math.log(sum);
    let timestampSum = Math.fround(Math.exp(Math.fround((row[timestampBegin] ?? 0) - top - logSum)));
    for (let k = timestampBegin + 1; k < vocabulary; k += 1) timestampSum += Math.fround(Math.exp(Math.fround((row[k] ?? 0) - top - logSum)));
    // Rounding to float32 keeps the order of values, so the largest rounded text log-probability is the rounded largest one.
    if (Math.log(timestampSum) > Math.fround(topText - top - logSum)) row.fill(Number.NEGATIVE_INFINITY, 0, timestampBegin);
  });
  return true;
}

/** A processor's own `_call`, run on `processor`. */
export type OriginalRule = (processor: TimestampRuleState, inputIds: bigint[][], logits: LogitsLike) => unknown;

const originals = new WeakMap<object, OriginalRule>();

/**
 * Makes `processorClass` (transformers.js' `WhisperTimeStampLogitsProcessor`) apply
 * {@link timestampRule}, falling back to its own `_call` for logits the rule does not take.
 * Idempotent; returns the original `_call` (for tests), or null when the class has none.
 */
export function useTimestampRule(processorClass: { prototype: object }): OriginalRule | null {
  const prototype = processorClass.prototype;
  const known = originals.get(prototype);
  if (known !== undefined) return known;
  const own: unknown = Reflect.get(prototype, "_call");
  if (typeof own !== "function") return null;
  const original: OriginalRule = (processor, inputIds, logits) => Reflect.apply(own, processor, [inputIds, logits]);
  function call(this: TimestampRuleState, inputIds: bigint[][], logits: LogitsLike): unknown {
    return timestampRule(this, inputIds, logits) ? logits : original(this, inputIds, logits);
  }
  Reflect.set(prototype, "_call", call);
  originals.set(prototype, original);
  return original;
}

// lib/transcription/timestamp-rule.ts against the transformers.js processor it stands in for: on
// random rows of logits and token histories the two give the same bytes, both ways the rule can go.
import { describe, expect, it } from "vitest";
import { Tensor, WhisperTimeStampLogitsProcessor } from "@huggingface/transformers";
import { timestampRule, useTimestampRule, type LogitsLike, type TimestampRuleState } from "@/lib/transcription/timestamp-rule";

const VOCABULARY = 51_865;
const EOS = 50_257;
const NO_TIMESTAMPS = 50_363;
const TIMESTAMP_BEGIN = NO_TIMESTAMPS + 1;
const PROMPT = [50_258n, 50_259n, 50_360n];

/** Deterministic uniform numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A row like a decoder's: text logits around 0 with a few likely tokens, timestamps raised by `lift`. */
function logitsRow(next: () => number, lift: number): Float32Array {
  const row = new Float32Array(VOCABULARY);
  for (let k = 0; k < VOCABULARY; k += 1) row[k] = (next() - 0.5) * 6 + (k >= TIMESTAMP_BEGIN ? lift : 0);
  for (let peaks = 0; peaks < 3; peaks += 1) row[Math.floor(next() * EOS)] = 8 + next() * 8;
  return row;
}

/** A token history after the prompt of one of the shapes the rule tells apart. */
function history(next: () => number, shape: number): bigint[] {
  const text = (): bigint => BigInt(Math.floor(next() * EOS));
  const stamp = (): bigint => BigInt(TIMESTAMP_BEGIN + Math.floor(next() * 1500));
  const shapes: bigint[][] = [[], [stamp()], [stamp(), text()], [stamp(), text(), stamp()], [stamp(), text(), stamp(), stamp()], [stamp(), text(), text(), text()]];
  return [...PROMPT, ...(shapes[shape % shapes.length] ?? [])];
}

function processor(): WhisperTimeStampLogitsProcessor & TimestampRuleState {
  const config = { eos_token_id: EOS, no_timestamps_token_id: NO_TIMESTAMPS, max_initial_timestamp_index: 50 };
  return new WhisperTimeStampLogitsProcessor(config as never, PROMPT.map(Number)) as WhisperTimeStampLogitsProcessor & TimestampRuleState;
}

describe("timestampRule", () => {
  const installed = useTimestampRule(WhisperTimeStampLogitsProcessor);
  if (installed === null) throw new Error("transformers.js has no WhisperTimeStampLogitsProcessor._call");
  const original = installed;

  /** Runs transformers.js' processor on a copy of `row` with the timestamps raised by `lift`; the result. */
  function theirs(state: TimestampRuleState, ids: bigint[], row: Float32Array, lift: number): Float32Array {
    const lifted = row.map((value, k) => (k >= TIMESTAMP_BEGIN ? value + lift : value));
    const tensor = new Tensor("float32", lifted, [1, VOCABULARY]);
    original(state, [ids], tensor);
    return tensor.data as Float32Array;
  }

  /** End-of-text is masked only when the rule decided that a timestamp must come next. */
  const forced = (row: Float32Array): boolean => row[EOS] === Number.NEGATIVE_INFINITY;

  it("gives the very bytes transformers.js' processor gives, for every shape of history, on both sides of the rule's edge", () => {
    const next = random(17);
    const state = processor();
    let cases = 0;
    let edges = 0;
    for (let trial = 0; trial < 24; trial += 1) {
      const ids = history(next, trial);
      if (ids.length === PROMPT.length) continue;
      const row = logitsRow(next, 0);
      // Some rows have a likely special token (between end-of-text and the timestamps), which the pair rule leaves unmasked.
      if (trial % 2 === 1) row[EOS + 1 + Math.floor(next() * (NO_TIMESTAMPS - EOS - 1))] = 6;
      // Find, by bisection with transformers.js itself, the lift at which the timestamps' summed probability overtakes the top text token's.
      // After two timestamps in a row the timestamps are masked and can never win: no edge to find.
      let low = -40;
      let high = 40;
      expect(forced(theirs(state, ids, row, low))).toBe(false);
      const edge = forced(theirs(state, ids, row, high));
      if (edge) edges += 1;
      while (edge && high - low > 1e-5) {
        const middle = (low + high) / 2;
        if (forced(theirs(state, ids, row, middle))) high = middle;
        else low = middle;
      }
      // Just below, just above and well away from the edge: same bytes as transformers.js.
      for (const lift of [low, high, low - 3, high + 3]) {
        const expected = theirs(state, ids, row, lift);
        const ours = row.map((value, k) => (k >= TIMESTAMP_BEGIN ? value + lift : value));
        expect(timestampRule(state, [ids], { data: ours, dims: [1, VOCABULARY] })).toBe(true);
        expect(Buffer.from(ours.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThanOrEqual(80);
    expect(edges).toBeGreaterThanOrEqual(12);
  });

  it("handles a batch row by row, the prompt-only row included", () => {
    const next = random(3);
    const state = processor();
    const ids = [history(next, 0), history(next, 3)];
    const rows = [logitsRow(next, 1), logitsRow(next, 1)];
    const tensor = new Tensor("float32", Float32Array.from([...(rows[0] ?? []), ...(rows[1] ?? [])]), [2, VOCABULARY]);
    const ours = new Float32Array(tensor.data as Float32Array);
    original(state, ids, tensor);
    expect(timestampRule(state, ids, { data: ours, dims: [2, VOCABULARY] })).toBe(true);
    expect(Buffer.from(ours.buffer).equals(Buffer.from((tensor.data as Float32Array).buffer))).toBe(true);
    // Right after the prompt only timestamps are left.
    expect(ours.subarray(0, TIMESTAMP_BEGIN).every((value) => value === Number.NEGATIVE_INFINITY)).toBe(true);
  });

  it("is what the processor now runs, and leaves logits it does not take to the original", () => {
    const state = processor();
    const next = random(5);
    const ids = [history(next, 2)];
    const row = logitsRow(next, 1);
    const patched = new Tensor("float32", new Float32Array(row), [1, VOCABULARY]);
    const reference = new Tensor("float32", new Float32Array(row), [1, VOCABULARY]);
    state._call(ids, patched);
    original(state, ids, reference);
    expect(Buffer.from((patched.data as Float32Array).buffer).equals(Buffer.from((reference.data as Float32Array).buffer))).toBe(true);
    // Installing twice keeps the first original.
    expect(useTimestampRule(WhisperTimeStampLogitsProcessor)).toBe(original);
    // float64 logits are not the rule's: it says so and changes nothing.
    const wide: LogitsLike = { data: new Float64Array(VOCABULARY), dims: [1, VOCABULARY] };
    expect(timestampRule(state, ids, wide)).toBe(false);
    expect((wide.data as Float64Array)[NO_TIMESTAMPS]).toBe(0);
  });
});

/**
 * Whisper's best-known failure besides hallucinating on silence: greedy decoding falls into a loop
 * and emits the same token or phrase until the 448-token limit ("天天天天…", "I'm sorry. I'm sorry.
 * I'm sorry…"). The loop costs the user hundreds of decoder steps and buries the real words. This
 * guard spots such a loop at the tail of the tokens produced so far, so generation can stop there and
 * keep one copy of the repeated unit. Pure and shared by the browser worker and the accuracy
 * evaluation's reference (scripts/reference-transcribe.py mirrors it), so both sides decode alike.
 *
 * Only text tokens count: Whisper's timestamp tokens differ between the copies of a looping
 * sentence, so they are skipped, as are other special tokens.
 */

/** The longest repeated unit looked for, in text tokens (a sentence-long loop). */
export const MAX_LOOP_PERIOD = 24;
/** A loop must repeat its unit at least this many times in a row… */
export const MIN_LOOP_REPEATS = 4;
/** …and cover at least this many text tokens, so "no, no, no, no" in real speech is left alone. */
export const MIN_LOOP_TOKENS = 32;

/** A loop found at the end of a token sequence. */
export interface TailLoop {
  /** Tokens in the repeated unit. */
  readonly period: number;
  /** Complete copies of the unit at the tail. */
  readonly repeats: number;
  /** Index (into the sequence given) where the second copy begins: keep everything before it. */
  readonly cut: number;
}

export interface LoopOptions {
  readonly maxPeriod?: number;
  readonly minRepeats?: number;
  readonly minTokens?: number;
}

/**
 * Finds a unit of 1..maxPeriod tokens repeated back to back at least `minRepeats` times, spanning at
 * least `minTokens`, at the very end of `tokens`. The shortest such unit wins ("ab ab ab ab" is a
 * period of 2, not 4). Returns null when the tail is not a loop.
 */
export function findTailLoop(tokens: readonly number[], options: LoopOptions = {}): TailLoop | null {
  const maxPeriod = options.maxPeriod ?? MAX_LOOP_PERIOD;
  const minRepeats = options.minRepeats ?? MIN_LOOP_REPEATS;
  const minTokens = options.minTokens ?? MIN_LOOP_TOKENS;
  const n = tokens.length;
  for (let period = 1; period <= maxPeriod && period * minRepeats <= n; period += 1) {
    // Length of the run at the tail in which every token equals the one `period` places earlier.
    let run = 0;
    while (run < n - period && tokens[n - 1 - run] === tokens[n - 1 - run - period]) run += 1;
    const repeats = Math.floor((run + period) / period);
    if (repeats >= minRepeats && repeats * period >= minTokens) {
      const start = n - repeats * period;
      return { period, repeats, cut: start + period };
    }
  }
  return null;
}

/**
 * Runs {@link findTailLoop} over the text tokens of a decoder sequence (ids below `firstSpecialId`,
 * Whisper's end-of-text token; timestamps and other specials come after it) and maps the cut back to
 * an index into `ids`, so `ids.slice(0, cut)` holds the text before the loop and one copy of its unit
 * (with the timestamp that closes that copy, when one follows it).
 * `from` skips the prompt (start, language and task tokens).
 */
export function findLoopInSequence(ids: readonly (number | bigint)[], firstSpecialId: number, from = 0, options: LoopOptions = {}): TailLoop | null {
  const text: number[] = [];
  const at: number[] = [];
  for (let index = from; index < ids.length; index += 1) {
    const id = Number(ids[index]);
    if (id < firstSpecialId) {
      text.push(id);
      at.push(index);
    }
  }
  const loop = findTailLoop(text, options);
  const lastKept = loop === null ? undefined : at[loop.cut - 1];
  if (loop === null || lastKept === undefined) return null;
  // Keep the timestamp that closes the first copy, if there is one, so its segment is complete.
  const next = ids[lastKept + 1];
  const cut = next !== undefined && Number(next) >= firstSpecialId ? lastKept + 2 : lastKept + 1;
  return { ...loop, cut };
}

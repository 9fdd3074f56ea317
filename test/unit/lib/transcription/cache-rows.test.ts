// wholeCacheFromRows puts a decoder's cache back together from each step's new rows: past and new
// rows joined per (batch, head) block, in the output's own Tensor class, in two buffers per output
// taken in turn; first steps and other outputs pass through untouched.
import { describe, expect, it } from "vitest";
import { appendRows, wholeCacheFromRows } from "@/lib/transcription/cache-rows";

class FakeTensor {
  constructor(
    readonly type: string,
    readonly data: Float32Array | Uint16Array | boolean[],
    readonly dims: readonly number[],
  ) {}
}

describe("appendRows", () => {
  it("joins along the sequence axis block by block", () => {
    // batch 2 × heads 1 × 2 rows × size 2, and one new row each.
    const past = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
    const fresh = Float32Array.from([5, 6, 50, 60]);
    const into = new Float32Array(16).fill(-1);
    const joined = appendRows(past, [2, 1, 2, 2], fresh, [2, 1, 1, 2], into);
    expect(Array.from(joined)).toEqual([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60]);
    expect(joined.buffer).toBe(into.buffer);
  });
});

describe("wholeCacheFromRows", () => {
  function session(step: (feeds: Record<string, unknown>) => Record<string, unknown>): { run: (feeds: Record<string, unknown>) => Promise<Record<string, unknown>> } {
    return { run: (feeds) => Promise.resolve(step(feeds)) };
  }

  it("passes first steps through and rebuilds the cache of later ones in alternating buffers", async () => {
    const first = { "present.0.decoder.key": new FakeTensor("float16", Uint16Array.from([1, 2]), [1, 1, 1, 2]), logits: new FakeTensor("float32", new Float32Array(3), [1, 1, 3]) };
    let row = 10;
    const wrapped = wholeCacheFromRows(
      session((feeds) => {
        if (!(feeds.use_cache_branch as FakeTensor).data[0]) return { ...first };
        row += 1;
        return { "present.0.decoder.key": new FakeTensor("float16", Uint16Array.from([row, row]), [1, 1, 1, 2]), logits: first.logits };
      }),
      ["present.0.decoder.key"],
    );
    const flag = (value: boolean): FakeTensor => new FakeTensor("bool", [value], [1]);
    const start = await wrapped.run({ use_cache_branch: flag(false) });
    expect(start["present.0.decoder.key"]).toBe(first["present.0.decoder.key"]);
    let past = start["present.0.decoder.key"] as FakeTensor;
    const buffers: ArrayBufferLike[] = [];
    for (let step = 0; step < 4; step += 1) {
      const out = await wrapped.run({ use_cache_branch: flag(true), "past_key_values.0.decoder.key": past });
      const cache = out["present.0.decoder.key"] as FakeTensor;
      expect(cache).toBeInstanceOf(FakeTensor);
      expect(cache.type).toBe("float16");
      expect(cache.dims).toEqual([1, 1, 2 + step, 2]);
      expect(cache.data).toBeInstanceOf(Uint16Array);
      expect(out.logits).toBe(first.logits);
      buffers.push((cache.data as Uint16Array).buffer);
      past = cache;
    }
    expect(Array.from(past.data as Uint16Array)).toEqual([1, 2, 11, 11, 12, 12, 13, 13, 14, 14]);
    expect(buffers[0]).not.toBe(buffers[1]);
    // Rows 2 and 3 took the exact first buffers; rows 4 and 5 doubled them, and never wrote where the step read.
    expect(buffers[2]).not.toBe(buffers[3]);
  });

  it("says so when a cache output or its past is missing", async () => {
    const wrapped = wholeCacheFromRows(session(() => ({})), ["present.0.decoder.key"]);
    await expect(wrapped.run({ use_cache_branch: new FakeTensor("bool", [true], [1]) })).rejects.toThrow(/present\.0\.decoder\.key/);
  });
});

import { describe, expect, it } from "vitest";
import { encodeWav } from "../../../../lib/audio/wav-encode";

describe("encodeWav", () => {
  it("writes a mono 16-bit PCM WAV header and the samples, clipping past ±1", () => {
    const bytes = encodeWav(Float32Array.from([0, 1, -1, 2, -0.5]), 16_000);
    const view = new DataView(bytes.buffer);
    const text = (at: number, length: number): string => String.fromCharCode(...bytes.subarray(at, at + length));
    expect(bytes.length).toBe(44 + 10);
    expect([text(0, 4), text(8, 4), text(12, 4), text(36, 4)]).toEqual(["RIFF", "WAVE", "fmt ", "data"]);
    expect(view.getUint32(4, true)).toBe(36 + 10);
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint16(34, true)]).toEqual([1, 1, 16_000, 16]);
    expect(view.getUint32(40, true)).toBe(10);
    expect([0, 1, 2, 3, 4].map((i) => view.getInt16(44 + i * 2, true))).toEqual([0, 32_767, -32_768, 32_767, -16_384]);
  });

  it("writes an empty recording as a header only", () => {
    expect(encodeWav(new Float32Array(0), 16_000)).toHaveLength(44);
  });
});

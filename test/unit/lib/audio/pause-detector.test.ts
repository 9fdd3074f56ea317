import { describe, expect, it } from "vitest";
import { PauseDetector } from "@/lib/audio/pause-detector";
import { concat, hum, mix, noise, RATE, silence, speech } from "../../../support/speech-signals";

/** Pushes `samples` in chunks of the given sizes (cycled) and collects the cut points. */
function cutsOf(samples: Float32Array, sizes: readonly number[] = [1_000], detector = new PauseDetector()): number[] {
  const cuts: number[] = [];
  let offset = 0;
  for (let i = 0; offset < samples.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1_000;
    cuts.push(...detector.push(samples.subarray(offset, offset + size)));
    offset += size;
  }
  return cuts;
}

const seconds = (n: number): number => Math.round(n * RATE);

describe("PauseDetector", () => {
  it("finds each pause after speech, a little after the speech ended, whatever the chunk sizes", () => {
    const audio = concat(speech(3, -12, 1), silence(1.5), speech(3, -12, 2), silence(1.5));
    const cuts = cutsOf(audio);
    expect(cuts).toHaveLength(2);
    const [first = 0, second = 0] = cuts;
    expect(first).toBeGreaterThan(seconds(2.7));
    expect(first).toBeLessThan(seconds(3.6));
    expect(second).toBeGreaterThan(seconds(7.2));
    expect(second).toBeLessThan(seconds(8.1));
    expect(cutsOf(audio, [128, 4_096, 37])).toEqual(cuts);
  });

  it("does not cut between the words of a sentence (gaps shorter than the pause)", () => {
    expect(cutsOf(speech(12, -12, 3))).toEqual([]);
  });

  it("follows the room's noise floor, and steady hum or silence alone is no speech", () => {
    const room = (audio: Float32Array): Float32Array => mix(audio, noise(audio.length / RATE, -55, 4));
    expect(cutsOf(room(concat(speech(3, -20, 5), silence(1.2), speech(2, -20, 6), silence(1.2))))).toHaveLength(2);
    expect(cutsOf(hum(10, -30))).toEqual([]);
    expect(cutsOf(silence(5))).toEqual([]);
    expect(cutsOf(noise(5, -60, 8))).toEqual([]);
  });

  it("a longer pause setting waits longer; markCut forgets the pending speech", () => {
    const audio = concat(speech(3, -12, 1), silence(0.9), speech(3, -12, 2), silence(2.5));
    expect(cutsOf(audio)).toHaveLength(2);
    expect(cutsOf(audio, [1_000], new PauseDetector({ pauseMs: 2_000 }))).toHaveLength(1);
    const detector = new PauseDetector();
    expect(detector.push(speech(3, -12, 1))).toEqual([]);
    expect(detector.inSpeech).toBe(true);
    detector.markCut();
    expect(detector.push(silence(1.5))).toEqual([]);
    expect(detector.position).toBe(seconds(4.5));
  });
});

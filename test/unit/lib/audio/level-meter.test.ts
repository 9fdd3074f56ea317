import { describe, expect, it } from "vitest";
import { LevelMeter, levelToMeter } from "../../../../lib/audio/level-meter";

describe("LevelMeter", () => {
  it("reports the RMS of each interval, carrying partial intervals across chunks", () => {
    const levels: number[] = [];
    const meter = new LevelMeter(100, (rms) => levels.push(rms));
    meter.push(new Float32Array(60).fill(0.5));
    expect(levels).toEqual([]);
    meter.push(new Float32Array(60).fill(0.5));
    expect(levels).toEqual([0.5]);
    meter.push(new Float32Array(180).fill(-0.25));
    expect(levels).toHaveLength(3);
    expect(levels[1]).toBeCloseTo(Math.sqrt((20 * 0.25 + 80 * 0.0625) / 100), 10);
    expect(levels[2]).toBeCloseTo(0.25, 10);
  });

  it("clamps to 1 and forgets the partial interval on reset", () => {
    const levels: number[] = [];
    const meter = new LevelMeter(4, (rms) => levels.push(rms));
    meter.push(Float32Array.of(2, 2, 2, 2));
    meter.push(Float32Array.of(1, 1, 1));
    meter.reset();
    meter.push(Float32Array.of(0, 0, 0, 0));
    expect(levels).toEqual([1, 0]);
    expect(() => new LevelMeter(0, () => undefined)).toThrow(RangeError);
  });

  it("maps levels to a meter on a decibel scale", () => {
    expect(levelToMeter(0)).toBe(0);
    expect(levelToMeter(1)).toBe(1);
    expect(levelToMeter(0.001)).toBeCloseTo(0, 10);
    expect(levelToMeter(0.0001)).toBe(0);
    expect(levelToMeter(0.1)).toBeCloseTo(2 / 3, 10);
    expect(levelToMeter(5)).toBe(1);
    expect(levelToMeter(Number.NaN)).toBe(0);
  });
});

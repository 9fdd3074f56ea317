import { describe, expect, it } from "vitest";
import { ElapsedClock } from "../../../../lib/audio/elapsed-clock";

describe("ElapsedClock", () => {
  it("counts running time only", () => {
    const clock = new ElapsedClock();
    expect(clock.elapsed(100)).toBe(0);
    clock.start(1_000);
    expect(clock.running).toBe(true);
    expect(clock.elapsed(1_500)).toBe(500);
    clock.pause(2_000);
    expect(clock.running).toBe(false);
    expect(clock.elapsed(9_000)).toBe(1_000);
    clock.start(10_000);
    expect(clock.elapsed(10_250)).toBe(1_250);
    clock.pause(11_000);
    expect(clock.elapsed(20_000)).toBe(2_000);
  });

  it("ignores repeated starts and pauses and clocks going backwards", () => {
    const clock = new ElapsedClock();
    clock.start(0);
    clock.start(500);
    clock.pause(1_000);
    clock.pause(5_000);
    expect(clock.elapsed(6_000)).toBe(1_000);
    clock.start(2_000);
    expect(clock.elapsed(1_000)).toBe(1_000);
  });
});

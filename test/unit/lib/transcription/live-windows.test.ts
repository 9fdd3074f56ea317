import { describe, expect, it } from "vitest";
import { LiveWindows } from "@/lib/transcription/live-windows";
import { concat, RATE, silence, speech } from "../../../support/speech-signals";

const seconds = (n: number): number => Math.round(n * RATE);

/** Pushes `audio` in 100 ms pieces, as the recorder hands them over. */
function feed(windows: LiveWindows, audio: Float32Array): void {
  for (let offset = 0; offset < audio.length; offset += 1_600) windows.push(audio.subarray(offset, offset + 1_600));
}

/** An utterance of `length` seconds followed by a pause of `pause` seconds. */
const utterance = (length: number, pause = 1.5, seed = 1): Float32Array => concat(speech(length, -12, seed), silence(pause));

describe("LiveWindows", () => {
  it("a pause closes a window; accepting it keeps its segments at recording times and releases its samples", () => {
    const windows = new LiveWindows();
    feed(windows, speech(3, -12, 1));
    expect(windows.next()).toBeNull();
    feed(windows, silence(1.5));
    const first = windows.next();
    expect(first).toMatchObject({ start: 0, complete: true });
    expect(first?.end).toBeGreaterThan(seconds(2.7));
    expect(first?.end).toBeLessThan(seconds(3.6));
    if (first === null) return;
    expect(windows.samples(first)).toHaveLength(first.end);
    feed(windows, utterance(2, 1.5, 2));
    expect(windows.buffered).toBe(seconds(8));
    windows.accept(first, [{ start: 0.2, end: 2.5, text: " one " }]);
    expect(windows.buffered).toBe(seconds(8) - first.end);
    const second = windows.next();
    expect(second?.start).toBe(first.end);
    if (second === null) return;
    const kept = windows.accept(second, [{ start: 0.5, end: 1.5, text: "two" }]);
    expect(kept[0]?.start).toBeCloseTo(first.end / RATE + 0.5, 3);
    expect(kept[0]?.end).toBeCloseTo(first.end / RATE + 1.5, 3);
    expect(windows.segments.map((segment) => segment.text)).toEqual(["one", "two"]);
    expect(windows.windowsDone).toBe(2);
  });

  it("speech without a pause is cut at 30 s; a segment cut by the edge is heard again in the next window", () => {
    const windows = new LiveWindows();
    feed(windows, speech(40, -12, 3));
    const first = windows.next();
    expect(first).toEqual({ start: 0, end: seconds(30), complete: false });
    if (first === null) return;
    windows.accept(first, [
      { start: 0, end: 26, text: "kept" },
      { start: 26, end: 30, text: "cut" },
    ]);
    expect(windows.segments.map((segment) => segment.text)).toEqual(["kept"]);
    expect(windows.position).toBe(seconds(26));
    expect(windows.buffered).toBe(seconds(14));
    // 14 s left and no pause: nothing is ready until the recording stops.
    expect(windows.next()).toBeNull();
  });

  it("stopping leaves only the tail, a window that ends the recording", () => {
    const windows = new LiveWindows();
    feed(windows, utterance(3));
    const first = windows.next();
    if (first === null) throw new Error("no window");
    windows.accept(first, [{ start: 0, end: 3, text: "a" }]);
    feed(windows, speech(5, -12, 4));
    expect(windows.next()).toBeNull();
    windows.end();
    const tail = windows.next();
    expect(tail).toEqual({ start: first.end, end: windows.received, complete: true });
    if (tail === null) return;
    windows.push(speech(1));
    expect(windows.received).toBe(tail.end);
    windows.accept(tail, [{ start: 1, end: 4.9, text: "tail" }]);
    expect(windows.done).toBe(true);
    expect(windows.buffered).toBe(0);
    expect(windows.next()).toBeNull();
    expect(windows.segments.map((segment) => segment.text)).toEqual(["a", "tail"]);
  });

  it("a pause too early in a window does not close it; pausing the recording does", () => {
    const windows = new LiveWindows({ minSeconds: 3 });
    feed(windows, utterance(1, 1));
    expect(windows.next()).toBeNull();
    windows.cut();
    expect(windows.next()).toBeNull();
    feed(windows, utterance(1.5, 1.5, 5));
    expect(windows.next()).toMatchObject({ start: 0, complete: true });
    const paused = new LiveWindows();
    feed(paused, speech(2.5, -12, 6));
    paused.cut();
    expect(paused.next()).toEqual({ start: 0, end: seconds(2.5), complete: true });
  });

  it("when transcription falls behind, windows queue, the next one reaches the latest pause, and what was transcribed is released", () => {
    const windows = new LiveWindows();
    for (let i = 0; i < 10; i += 1) feed(windows, utterance(4, 1.5, 10 + i));
    expect(windows.received).toBe(seconds(55));
    expect(windows.buffered).toBe(seconds(55));
    expect(windows.ready).toBe(2);
    const first = windows.next();
    if (first === null) throw new Error("no window");
    // Five utterances (and their pauses) fit in 30 s: one model run for all of them.
    expect(first.end).toBeGreaterThan(seconds(4 * 5.5 + 3));
    expect(first.end).toBeLessThanOrEqual(seconds(30));
    expect(first.complete).toBe(true);
    windows.accept(first, [{ start: 0, end: 25, text: "five" }]);
    expect(windows.buffered).toBe(seconds(55) - first.end);
    const second = windows.next();
    if (second === null) throw new Error("no window");
    windows.accept(second, []);
    expect(windows.ready).toBe(0);
    // What is left is the silence after the last pause.
    expect(windows.buffered).toBeLessThan(seconds(2.5));
  });
});

import { describe, expect, it } from "vitest";
import { createLiveTranscription, type LiveProgress } from "@/lib/transcription/live-transcription";
import type { WindowTranscriber } from "@/lib/transcription/long-transcription";
import type { TranscribeOptions, WindowResult } from "@/lib/transcription/worker-protocol";
import { concat, RATE, silence, speech } from "../../../support/speech-signals";

const auto: TranscribeOptions = { language: null, task: "transcribe" };
const utterance = (length: number, seed: number): Float32Array => concat(speech(length, -12, seed), silence(1.5));

/**
 * A stand-in worker whose answers the test releases one by one (`answer()`), like a model slower
 * than speech. Window n answers "w<n>" as one segment over its speech; `fail` makes it throw.
 */
function heldTranscriber(fail: (index: number) => boolean = () => false) {
  const calls: Array<{ readonly seconds: number; readonly language: string | null }> = [];
  const waiting: Array<() => void> = [];
  let cancelled = false;
  const transcriber: WindowTranscriber = {
    transcribe(audio, options, onProgress) {
      const index = calls.length;
      const seconds = audio.length / RATE;
      calls.push({ seconds, language: options.language });
      const result: WindowResult = { text: `w${index}`, segments: [{ start: 0.2, end: Math.max(0.3, seconds - 1), text: `w${index}` }], language: options.language ?? "de", elapsedMs: 1 };
      const outcome = new Promise<void>((resolve) => waiting.push(resolve)).then(() => {
        if (cancelled) return { kind: "cancelled" as const };
        if (fail(index)) throw new RangeError("Aborted(). Out of memory");
        onProgress({ stage: "text", partialText: `w${index}` });
        return { kind: "done" as const, result } as const;
      });
      return { requestId: `r${index}`, outcome };
    },
    cancel: () => {
      cancelled = true;
      waiting.splice(0).forEach((resolve) => resolve());
    },
  };
  return { transcriber, calls, answer: () => waiting.shift()?.(), get waiting() { return waiting.length; } };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** Pushes in 100 ms pieces. */
function feed(push: (samples: Float32Array) => void, audio: Float32Array): void {
  for (let offset = 0; offset < audio.length; offset += 1_600) push(audio.subarray(offset, offset + 1_600));
}

describe("createLiveTranscription", () => {
  it("transcribes each window closed by a pause while the recording goes on; stopping transcribes only the tail", async () => {
    const progress: LiveProgress[] = [];
    const live = createLiveTranscription(auto, (next) => progress.push(next));
    const worker = heldTranscriber();
    const run = live.run(worker.transcriber);
    feed(live.push, utterance(3, 1));
    await settle();
    expect(worker.calls).toHaveLength(1);
    worker.answer();
    await settle();
    expect(progress.at(-1)).toMatchObject({ live: "recording", partialText: "w0", window: 1 });
    feed(live.push, utterance(2.5, 2));
    await settle();
    worker.answer();
    await settle();
    expect(progress.at(-1)).toMatchObject({ live: "recording", partialText: "w0 w1" });
    // The tail: speech still going on when the user presses stop.
    feed(live.push, speech(2, -12, 3));
    await settle();
    expect(worker.calls).toHaveLength(2);
    live.end();
    await settle();
    expect(worker.calls).toHaveLength(3);
    // From the last pause: its silence and the 2 s of speech after it.
    expect(worker.calls[2]?.seconds).toBeLessThan(4);
    expect(worker.calls.map((call) => call.language)).toEqual([null, "de", "de"]);
    worker.answer();
    const outcome = await run.outcome;
    expect(outcome.kind).toBe("done");
    if (outcome.kind !== "done") return;
    expect(outcome.windows).toBe(3);
    expect(outcome.result.text).toBe("w0 w1 w2");
    expect(outcome.result.segments).toHaveLength(3);
    expect(outcome.result.duration).toBeCloseTo(4.5 + 4 + 2, 1);
    expect(outcome.result.language).toBe("de");
    const starts = outcome.result.segments.map((segment) => segment.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(progress.at(-1)?.live).toBe("finishing");
    expect(live.windows.buffered).toBe(0);
  });

  it("falls behind gracefully: windows wait, then go in fewer runs, and transcribed samples are released", async () => {
    const live = createLiveTranscription({ language: "en", task: "transcribe" }, () => undefined);
    const worker = heldTranscriber();
    const run = live.run(worker.transcriber);
    feed(live.push, utterance(3, 1));
    await settle();
    expect(worker.calls).toHaveLength(1);
    // The model is still on the first window while eight more utterances come in.
    for (let i = 0; i < 8; i += 1) feed(live.push, utterance(3, 10 + i));
    await settle();
    expect(worker.calls).toHaveLength(1);
    expect(live.windows.buffered).toBe(live.windows.received);
    expect(live.windows.ready).toBeGreaterThanOrEqual(1);
    worker.answer();
    await settle();
    // The first window's samples are gone; the rest waits as one window of several utterances.
    expect(live.windows.buffered).toBe(live.windows.received - live.windows.position);
    expect(worker.calls).toHaveLength(2);
    expect(worker.calls[1]?.seconds).toBeGreaterThan(4.5 * 5);
    expect(worker.calls[1]?.seconds).toBeLessThanOrEqual(30);
    worker.answer();
    await settle();
    expect(worker.calls).toHaveLength(3);
    worker.answer();
    await settle();
    expect(live.windows.buffered).toBeLessThan(2.5 * RATE);
    live.end();
    await settle();
    // What is left after the last pause is silence: it never reaches the model.
    const outcome = await run.outcome;
    expect(worker.calls).toHaveLength(3);
    expect(outcome).toMatchObject({ kind: "done", windows: 4, silentWindows: 1, result: { text: "w0 w1 w2" } });
  });

  it("a failing window stays queued: a run on another transcriber carries on from it with the text so far", async () => {
    const live = createLiveTranscription(auto, () => undefined);
    const first = heldTranscriber((index) => index === 1);
    const run = live.run(first.transcriber);
    feed(live.push, utterance(3, 1));
    await settle();
    first.answer();
    await settle();
    feed(live.push, utterance(3, 2));
    await settle();
    first.answer();
    await expect(run.outcome).rejects.toThrow(/memory/);
    const second = heldTranscriber();
    const retry = live.run(second.transcriber);
    await settle();
    expect(second.calls).toHaveLength(1);
    expect(second.calls[0]?.language).toBe("de");
    second.answer();
    live.end();
    await settle();
    const outcome = await retry.outcome;
    expect(outcome).toMatchObject({ kind: "done", result: { text: "w0 w0" } });
  });

  it("cancel stops within the current window and keeps the text so far", async () => {
    const live = createLiveTranscription(auto, () => undefined);
    const worker = heldTranscriber();
    const run = live.run(worker.transcriber);
    feed(live.push, utterance(3, 1));
    await settle();
    worker.answer();
    await settle();
    feed(live.push, utterance(3, 2));
    await settle();
    live.cancel();
    expect(await run.outcome).toMatchObject({ kind: "cancelled", partialText: "w0" });
  });

  it("a recording that is all silence sends nothing to the model", async () => {
    const live = createLiveTranscription(auto, () => undefined);
    const worker = heldTranscriber();
    const run = live.run(worker.transcriber);
    feed(live.push, silence(40));
    live.end();
    const outcome = await run.outcome;
    expect(worker.calls).toHaveLength(0);
    expect(outcome).toMatchObject({ kind: "done", windows: 2, silentWindows: 2, result: { text: "", segments: [] } });
  });
});

import { describe, expect, it } from "vitest";
import { startLiveRecording } from "@/lib/transcription/live-recording";
import { concat, RATE, silence, speech } from "../../../support/speech-signals";
import { fakeWorkers, OPTIONS, planned, session } from "./session-fixtures";

const utterance = (length: number, seed: number): Float32Array => concat(speech(length, -12, seed), silence(1.5));

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 1_000 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 1));
};

const runs = (log: readonly string[]): number => log.filter((line) => line.startsWith("run")).length;

describe("TranscriptionSession.transcribeLive", () => {
  it("shows each window's text while recording; stopping adds only the tail, and the result is a normal one", async () => {
    const workers = fakeWorkers();
    const { session: s } = session(workers);
    const { live, outcome } = s.transcribeLive("Recording 1", OPTIONS);
    live.push(utterance(3, 1));
    await until(() => s.getSnapshot().phase.kind === "transcribing" && s.partialText() === "hello world");
    expect(s.getSnapshot().phase).toMatchObject({ kind: "transcribing", live: "recording", partialText: "hello world" });
    expect(s.isBusy()).toBe(true);
    live.push(utterance(3, 2));
    await until(() => runs(workers.log) === 2 && s.partialText() === "hello world hello world");
    live.push(speech(2, -12, 3));
    live.end();
    const result = await outcome;
    expect(runs(workers.log)).toBe(3);
    expect(result).toMatchObject({ kind: "done", attempt: { model: "whisper-base", device: "webgpu" } });
    if (result.kind !== "done") return;
    expect(result.result.segments).toHaveLength(3);
    expect(result.result.duration).toBeCloseTo(4.5 + 4.5 + 2, 1);
    expect(s.getSnapshot().phase).toMatchObject({ kind: "done", fileName: "Recording 1", windows: 3 });
  });

  it("a memory failure mid-recording steps down the plan and carries on from the window that failed", async () => {
    const workers = fakeWorkers({ runFails: { "whisper-base/webgpu": "GPUOutOfMemoryError: out of memory" } });
    const { session: s } = session(workers);
    const { live, outcome } = s.transcribeLive("Recording", OPTIONS);
    live.push(utterance(3, 1));
    live.end();
    const result = await outcome;
    const [first, second] = planned();
    expect(result).toMatchObject({ kind: "done", result: { text: "hello world" } });
    expect(s.getSnapshot().notice).toContain(`${first} ran out of memory, so ${second} took over.`);
    expect(workers.log.filter((line) => line.startsWith("load"))).toHaveLength(2);
  });

  it("the recording sink keeps the audio as a WAV blob, and discarding puts the page back to idle", async () => {
    const workers = fakeWorkers();
    const { session: s } = session(workers);
    const sink = startLiveRecording(s, "Recording", OPTIONS);
    const audio = utterance(3, 1);
    sink.push(audio.subarray(0, 20_000));
    sink.push(audio.subarray(20_000));
    await until(() => s.partialText() === "hello world");
    sink.push(speech(1, -12, 2));
    const stopped = sink.stop();
    expect(stopped.audio.type).toBe("audio/wav");
    expect(stopped.audio.size).toBe(44 + 2 * (audio.length + RATE));
    expect(await stopped.outcome).toMatchObject({ kind: "done" });

    const thrown = startLiveRecording(s, "Recording 2", OPTIONS);
    thrown.push(utterance(3, 3));
    await until(() => s.getSnapshot().phase.kind === "transcribing");
    thrown.discard();
    await until(() => s.getSnapshot().phase.kind === "idle");
    expect(s.getSnapshot().phase).toEqual({ kind: "idle" });
  });
});

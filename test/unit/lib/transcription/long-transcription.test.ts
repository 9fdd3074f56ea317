import { describe, expect, it } from "vitest";
import { channelsSource, monoSource } from "@/lib/audio/source";
import { transcribeLong, type LongProgress, type WindowTranscriber } from "@/lib/transcription/long-transcription";
import type { TranscribeOptions, WindowResult } from "@/lib/transcription/worker-protocol";
import { SAMPLE_RATE } from "@/lib/audio/sample-rate";

/** Speech-like test signal: 200 Hz harmonics whose loudness rises and falls like syllables. */
function speechLike(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * SAMPLE_RATE));
  for (let i = 0; i < out.length; i += 1) {
    const t = i / SAMPLE_RATE;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = 0.3 * envelope * (Math.sin(2 * Math.PI * 200 * t) + 0.5 * Math.sin(2 * Math.PI * 400 * t));
  }
  return out;
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

interface Call {
  readonly length: number;
  readonly options: TranscribeOptions;
}

/**
 * A stand-in worker: answers each window with "w<n>" (or a scripted text) after streaming its first
 * letter. The window numbered `blockAt` only answers once cancelled, like a decoder interrupted.
 */
function fakeTranscriber(texts: (index: number) => string = (index) => `w${index}`, detected = "de", blockAt = -1) {
  const calls: Call[] = [];
  const cancelled: string[] = [];
  const unblock = new Map<string, () => void>();
  const transcriber: WindowTranscriber & { calls: Call[]; cancelled: string[] } = {
    calls,
    cancelled,
    transcribe(audio, options, onProgress) {
      const index = calls.length;
      calls.push({ length: audio.length, options });
      const requestId = `r${index}`;
      const text = texts(index);
      const seconds = audio.length / SAMPLE_RATE;
      const result: WindowResult = { text, segments: text === "" ? [] : [{ start: 2, end: Math.min(seconds, 5), text }], language: options.language ?? detected, elapsedMs: 1 };
      const outcome = (async () => {
        onProgress({ stage: "text", partialText: text.slice(0, 1) });
        if (index === blockAt) {
          await new Promise<void>((resolve) => unblock.set(requestId, resolve));
          return { kind: "cancelled" as const };
        }
        return { kind: "done" as const, result };
      })();
      return { requestId, outcome };
    },
    cancel(requestId) {
      cancelled.push(requestId);
      unblock.get(requestId)?.();
    },
  };
  return transcriber;
}

const auto: TranscribeOptions = { language: null, task: "transcribe" };

describe("transcribeLong", () => {
  it("sends a short clip as one window and detects the language once", async () => {
    const transcriber = fakeTranscriber();
    const run = transcribeLong(monoSource(speechLike(5)), transcriber, auto, () => undefined);
    const outcome = await run.outcome;
    expect(outcome.kind).toBe("done");
    if (outcome.kind !== "done") return;
    expect(outcome.result.text).toBe("w0");
    expect(outcome.result.language).toBe("de");
    expect(outcome.result.duration).toBeCloseTo(5);
    expect(transcriber.calls).toEqual([{ length: 5 * SAMPLE_RATE, options: auto }]);
  });

  it("feeds long audio in windows of at most 30 s and keeps the detected language", async () => {
    const transcriber = fakeTranscriber();
    const progress: LongProgress[] = [];
    const outcome = await transcribeLong(monoSource(speechLike(70)), transcriber, auto, (p) => progress.push(p)).outcome;
    expect(transcriber.calls.map((call) => call.length)).toEqual([30 * SAMPLE_RATE, 30 * SAMPLE_RATE, 10 * SAMPLE_RATE]);
    expect(transcriber.calls.map((call) => call.options.language)).toEqual([null, "de", "de"]);
    expect(outcome.kind === "done" && outcome.result.segments.map((segment) => [segment.start, segment.text])).toEqual([
      [2, "w0"],
      [32, "w1"],
      [62, "w2"],
    ]);
    expect(progress.filter((p) => p.partialText === "w0 w1 w").length).toBeGreaterThan(0);
    expect(new Set(progress.map((p) => `${p.window}/${p.windows}`))).toEqual(new Set(["1/3", "2/3", "3/3"]));
  });

  it("never sends silence to the model and says how much was silent", async () => {
    const transcriber = fakeTranscriber();
    const audio = concat(new Float32Array(40 * SAMPLE_RATE), speechLike(10));
    const outcome = await transcribeLong(monoSource(audio), transcriber, auto, () => undefined).outcome;
    expect(transcriber.calls.length).toBe(1);
    expect(outcome.kind === "done" && outcome.silentWindows).toBe(1);
  });

  it("gives an empty result for a silent file without running the model", async () => {
    const transcriber = fakeTranscriber();
    const outcome = await transcribeLong(monoSource(new Float32Array(3 * SAMPLE_RATE)), transcriber, auto, () => undefined).outcome;
    expect(transcriber.calls).toEqual([]);
    expect(outcome.kind === "done" && outcome.result.text).toBe("");
  });

  it("drops Whisper's silence hallucinations from windows with little speech", async () => {
    const transcriber = fakeTranscriber(() => "Thanks for watching!");
    const audio = concat(new Float32Array(10 * SAMPLE_RATE), speechLike(0.5), new Float32Array(10 * SAMPLE_RATE));
    const outcome = await transcribeLong(monoSource(audio), transcriber, auto, () => undefined).outcome;
    expect(outcome.kind === "done" && outcome.result.text).toBe("");
  });

  it("cancels the window in flight and keeps the text of the windows before it", async () => {
    const transcriber = fakeTranscriber(undefined, "de", 1);
    const run = transcribeLong(monoSource(speechLike(70)), transcriber, auto, () => undefined);
    while (transcriber.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    run.cancel();
    const outcome = await run.outcome;
    expect(outcome).toMatchObject({ kind: "cancelled", partialText: "w0" });
    expect(transcriber.cancelled).toEqual(["r1"]);
    expect(transcriber.calls.length).toBe(2);
  });

  it("starts the next window where the decoder opened a segment it did not finish", async () => {
    const lengths: number[] = [];
    const transcriber: WindowTranscriber = {
      transcribe(audio, options) {
        const index = lengths.length;
        lengths.push(audio.length);
        const segments = index === 0 ? [{ start: 0, end: 22, text: "first" }] : [{ start: 0, end: 5, text: `next${index}` }];
        const result: WindowResult = { text: segments[0]?.text ?? "", segments, language: options.language ?? "en", elapsedMs: 1, resumeAt: index === 0 ? 22 : null };
        return { requestId: `r${index}`, outcome: Promise.resolve({ kind: "done" as const, result }) };
      },
      cancel: () => undefined,
    };
    const outcome = await transcribeLong(monoSource(speechLike(50)), transcriber, { language: "en", task: "transcribe" }, () => undefined).outcome;
    // 50 s: the first window covers 0–30 s but stops at 22 s, so the second covers 22–50 s.
    expect(lengths).toEqual([30 * SAMPLE_RATE, 28 * SAMPLE_RATE]);
    expect(outcome.kind === "done" ? outcome.result.segments : []).toEqual([
      { start: 0, end: 22, text: "first" },
      { start: 22, end: 27, text: "next1" },
    ]);
  });

  it("passes worker failures through so the caller can step down", async () => {
    const failing: WindowTranscriber = {
      transcribe: () => ({ requestId: "x", outcome: Promise.reject(new RangeError("Array buffer allocation failed")) }),
      cancel: () => undefined,
    };
    await expect(transcribeLong(monoSource(speechLike(3)), failing, auto, () => undefined).outcome).rejects.toThrow("allocation failed");
  });
});

describe("transcribeLong on a stream", () => {
  it("reads on while the length is an estimate, and ends where the audio does", async () => {
    const samples = speechLike(70);
    let ended = false;
    let decoded = 0;
    const reads: number[] = [];
    // Like StreamSource: the container says 40 s; past any window read, and exact once a read reaches the end.
    const stream = {
      get length() {
        return ended ? samples.length : Math.max(40 * SAMPLE_RATE, decoded + 1);
      },
      get duration() {
        return this.length / SAMPLE_RATE;
      },
      read(start: number, end: number) {
        reads.push(start);
        if (end >= samples.length) ended = true;
        decoded = Math.max(decoded, end);
        return Promise.resolve(samples.slice(start, Math.min(end, samples.length)));
      },
    };
    const transcriber = fakeTranscriber();
    const outcome = await transcribeLong(stream, transcriber, auto, () => undefined).outcome;
    expect(outcome.kind).toBe("done");
    expect(transcriber.calls.map((call) => call.length)).toEqual([30 * SAMPLE_RATE, 30 * SAMPLE_RATE, 10 * SAMPLE_RATE]);
    expect(reads).toEqual([0, 30 * SAMPLE_RATE, 60 * SAMPLE_RATE]);
    if (outcome.kind === "done") expect(outcome.result.duration).toBe(70);
  });
});

describe("audio sources", () => {
  it("mix channels down only for the window asked for", async () => {
    const source = channelsSource([Float32Array.from([1, 1, 1, 1]), Float32Array.from([0, 0, -1, 1])]);
    expect(source.length).toBe(4);
    expect(Array.from(await source.read(1, 3))).toEqual([0.5, 0]);
    expect(Array.from(await source.read(-5, 99))).toEqual([0.5, 0.5, 0, 1]);
  });

  it("hand out copies that can be transferred without touching the original", async () => {
    const samples = Float32Array.from([1, 2, 3]);
    const piece = await monoSource(samples).read(0, 2);
    piece[0] = 9;
    expect(samples[0]).toBe(1);
  });
});

describe("transcribeLong and the user's languages", () => {
  it("hands them to the window that detects, and keeps the worker's choice for the result", async () => {
    const base = fakeTranscriber();
    const choice = { reason: "preferred" as const, language: "uk", source: "browser" as const, detected: { language: "ru", probability: 0.4 } };
    const transcriber: WindowTranscriber & { calls: Call[] } = {
      calls: base.calls,
      cancel: base.cancel,
      transcribe(audio, options, onProgress) {
        const request = base.transcribe(audio, options, onProgress);
        return {
          requestId: request.requestId,
          outcome: request.outcome.then((outcome) => (outcome.kind === "done" && options.language === null ? { ...outcome, result: { ...outcome.result, language: "uk", languageChoice: choice } } : outcome)),
        };
      },
    };
    const preferredLanguages = [{ code: "uk", source: "browser" as const }];
    const outcome = await transcribeLong(monoSource(concat(speechLike(29), speechLike(20))), transcriber, { ...auto, preferredLanguages }, () => undefined).outcome;
    expect(transcriber.calls[0]?.options).toEqual({ language: null, task: "transcribe", preferredLanguages });
    expect(transcriber.calls[1]?.options).toEqual({ language: "uk", task: "transcribe" });
    expect(outcome).toMatchObject({ kind: "done", languageChoice: choice, result: { language: "uk" } });
  });

  it("has no choice to report when the language was given", async () => {
    const outcome = await transcribeLong(monoSource(speechLike(5)), fakeTranscriber(), { language: "de", task: "transcribe" }, () => undefined).outcome;
    expect(outcome).not.toHaveProperty("languageChoice");
  });
});

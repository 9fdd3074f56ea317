import { describe, expect, it } from "vitest";
import { monoSource } from "@/lib/audio/source";
import { describeAttempt, DTYPES } from "@/lib/model/catalog";
import type { DeviceProfile } from "@/lib/model/device-profile";
import { NOTHING_INSTALLED } from "@/lib/model/plan-installed";
import { deviceFingerprint, HISTORY_KEY_PREFIX, parseHistory } from "@/lib/model/plan-history";
import { SETTINGS_KEY } from "@/lib/settings";
import { createMemoryStorage } from "@/lib/storage";
import { PROFILE } from "../model/device-fixtures";
import { TranscriptionSession } from "@/lib/transcription/session";
import { AudioDecodeError } from "@/lib/audio/decode-error";
import { deferred, fakeWorkers, file, OPTIONS, planned, session, speechLike } from "./session-fixtures";

describe("TranscriptionSession", () => {
  it("plans after the probe and transcribes with the first attempt", async () => {
    const workers = fakeWorkers();
    const { session: s } = session(workers);
    await Promise.resolve();
    await Promise.resolve();
    expect(s.getSnapshot().plan?.attempts[0]).toMatchObject({ model: "whisper-base", device: "webgpu" });
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(outcome).toMatchObject({ kind: "done", result: { text: "hello world" }, attempt: { model: "whisper-base", device: "webgpu" } });
    expect(s.getSnapshot().phase).toMatchObject({ kind: "done", fileName: "note.ogg" });
    expect(s.getSnapshot().notice).toBeNull();
    expect(s.isBusy()).toBe(false);
  });

  it("reports which language was chosen and why to its caller (the Telegram runner), not only in the phase", async () => {
    const { session: s } = session(fakeWorkers({ detects: "pl" }));
    const outcome = await s.transcribeFile(file(), { language: null, task: "transcribe", preferredLanguages: [{ code: "uk", source: "telegram" }] });
    const choice = { reason: "preferred", language: "uk", source: "telegram", detected: { language: "pl", probability: 0.4 } };
    expect(outcome).toMatchObject({ kind: "done", languageChoice: choice, result: { language: "uk" } });
    expect(s.getSnapshot().phase).toMatchObject({ kind: "done", languageChoice: choice });
    const given = await s.transcribeFile(file(), OPTIONS);
    expect(given).not.toHaveProperty("languageChoice");
  });

  it("steps down on a memory error at load: base WebGPU → base WASM → tiny, each once", async () => {
    const workers = fakeWorkers({ loadFails: { "whisper-base/webgpu": "Array buffer allocation failed", "whisper-base/wasm": "Aborted()" } });
    const { session: s } = session(workers);
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(workers.log).toEqual(["load whisper-base/webgpu", "load whisper-base/wasm", "load whisper-tiny/webgpu", "run whisper-tiny/webgpu"]);
    expect(outcome).toMatchObject({ kind: "done", attempt: { model: "whisper-tiny", device: "webgpu" } });
    const [baseGpu, baseWasm, tinyGpu] = planned();
    expect(s.getSnapshot().notice).toBe(
      `${baseGpu} ran out of memory, so ${baseWasm} took over. ${baseWasm} ran out of memory, so ${tinyGpu} took over. ${tinyGpu} finished the job.`,
    );
    // A memory failure ends its worker (the WASM heap is only freed that way).
    expect(workers.counts()).toEqual({ created: 3, terminated: 2 });
  });

  it("steps down on a memory error at run, and records it in the device's history", async () => {
    const workers = fakeWorkers({ runFails: { "whisper-base/webgpu": "GPUOutOfMemoryError: out of memory" } });
    const { session: s, storage } = session(workers);
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(workers.log).toEqual(["load whisper-base/webgpu", "run whisper-base/webgpu", "load whisper-base/wasm", "run whisper-base/wasm"]);
    expect(outcome).toMatchObject({ kind: "done", attempt: { model: "whisper-base", device: "wasm" } });
    const history = parseHistory(storage.getItem(HISTORY_KEY_PREFIX + deviceFingerprint(PROFILE)));
    const records = Object.entries(history.attempts);
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(history)).toContain("memory");
    expect(history.loading).toBeNull();
    // The plan follows what was learned: base on WebGPU is no longer first.
    expect(s.getSnapshot().plan?.attempts[0]).not.toMatchObject({ model: "whisper-base", device: "webgpu" });
  });

  it("does not loop: when every attempt runs out of memory each is tried once and the phase is an error", async () => {
    const oom = "Array buffer allocation failed";
    const workers = fakeWorkers({ loadFails: { "whisper-base/webgpu": oom, "whisper-base/wasm": oom, "whisper-tiny/webgpu": oom, "whisper-tiny/wasm": oom } });
    const { session: s } = session(workers);
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(workers.log).toEqual(["load whisper-base/webgpu", "load whisper-base/wasm", "load whisper-tiny/webgpu", "load whisper-tiny/wasm"]);
    const tinyWasm = describeAttempt({ model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm });
    const message = `${tinyWasm} ran out of memory, and there is no smaller model to try. Close other tabs or apps and try again; your file is still selected.`;
    expect(outcome).toEqual({ kind: "failed", message, reason: "memory" });
    const phase = s.getSnapshot().phase;
    expect(phase.kind).toBe("error");
    expect(phase.kind === "error" ? phase.message : "").toMatch(/took over\. /);
    expect(phase.kind === "error" ? phase.message.endsWith(message) : false).toBe(true);
  });

  it("tells an empty or cut-short file from one that is not audio", async () => {
    for (const code of ["empty", "undecodable", "silent-track"] as const) {
      const { session: s } = session(fakeWorkers(), { decodeFile: () => Promise.reject(new AudioDecodeError(code, "This file is empty.")) });
      expect(await s.transcribeFile(file(), OPTIONS)).toMatchObject({ kind: "failed", reason: "empty" });
    }
  });

  it("does not step down for bad input: the decode error is the message", async () => {
    const workers = fakeWorkers();
    const { session: s } = session(workers, { decodeFile: () => Promise.reject(new AudioDecodeError("not-audio", "This file has no audio track.")) });
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(outcome.kind).toBe("failed");
    // Tells a Telegram job's runner that no device would do better with this file.
    expect(outcome).toMatchObject({ reason: "input" });
    expect(s.getSnapshot().phase).toMatchObject({ kind: "error", message: expect.stringContaining("no audio track") });
    expect(workers.log).toEqual([]);
    expect(workers.counts().created).toBe(0);
  });

  it("honours a forced model and device once the plan is ready", async () => {
    const workers = fakeWorkers();
    const { session: s } = session(workers);
    s.updateSettings({ ...s.getSnapshot().settings, model: "whisper-tiny", device: "wasm" });
    await s.transcribeFile(file(), OPTIONS);
    expect(workers.log).toEqual(["load whisper-tiny/wasm", "run whisper-tiny/wasm"]);
  });

  it("honours a forced model and device from storage before the device probe resolved", async () => {
    const workers = fakeWorkers();
    const storage = createMemoryStorage();
    storage.setItem(SETTINGS_KEY, JSON.stringify({ quality: "high", model: "whisper-tiny", device: "wasm", idleUnloadMinutes: 5 }));
    const probe = deferred<DeviceProfile>();
    const { session: s } = session(workers, { storage, probeDevice: () => probe.promise });
    expect(s.getSnapshot().plan).toBeNull();
    const running = s.transcribeFile(file(), OPTIONS);
    probe.resolve(PROFILE);
    const outcome = await running;
    expect(outcome).toMatchObject({ kind: "done", attempt: { model: "whisper-tiny", device: "wasm" } });
    expect(workers.log).toEqual(["load whisper-tiny/wasm", "run whisper-tiny/wasm"]);
  });

  it("honours a forced model and device when a run starts before start() was called", async () => {
    const workers = fakeWorkers();
    const storage = createMemoryStorage();
    storage.setItem(SETTINGS_KEY, JSON.stringify({ quality: "medium", model: "whisper-tiny", device: "webgpu", idleUnloadMinutes: 5 }));
    const s = new TranscriptionSession({
      modelSource: { kind: "hub" },
      createWorker: workers.createWorker,
      probeDevice: () => Promise.resolve(PROFILE),
      storage,
      decodeFile: () => Promise.resolve(monoSource(speechLike(3))),
      runtime: () => ({ ortBaseUrl: "/ort/", threads: 1 }),
      schedule: () => () => undefined,
    });
    await s.transcribeFile(file(), OPTIONS);
    expect(workers.log).toEqual(["load whisper-tiny/webgpu", "run whisper-tiny/webgpu"]);
  });

  it("cancel keeps the partial text", async () => {
    const workers = fakeWorkers({ blockFrom: 1 });
    const { session: s } = session(workers, { decodeFile: () => Promise.resolve(monoSource(speechLike(45))) });
    const running = s.transcribeFile(file(), OPTIONS);
    for (let i = 0; i < 500 && workers.log.filter((line) => line.startsWith("run")).length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(s.isBusy()).toBe(true);
    expect(s.getSnapshot().phase).toMatchObject({ kind: "transcribing", window: 2 });
    s.cancel();
    const outcome = await running;
    expect(outcome).toEqual({ kind: "cancelled", partialText: "hello world" });
    expect(s.getSnapshot().phase).toEqual({ kind: "cancelled", partialText: "hello world" });
    expect(workers.log.filter((line) => line.startsWith("load"))).toHaveLength(1);
  });

  it("unloads the worker after the idle time, and dispose ends it", async () => {
    const workers = fakeWorkers();
    const { session: s, timers } = session(workers);
    await s.transcribeFile(file(), OPTIONS);
    expect(s.getSnapshot().active).not.toBeNull();
    const timer = timers.at(-1);
    expect(timer?.ms).toBe(5 * 60_000);
    timer?.run();
    expect(workers.counts().terminated).toBe(1);
    expect(s.getSnapshot().active).toBeNull();
    await s.transcribeFile(file(), OPTIONS);
    s.dispose();
    expect(workers.counts()).toEqual({ created: 2, terminated: 2 });
  });

  it("notifies subscribers with new snapshots; language and settings replan", async () => {
    const workers = fakeWorkers();
    const { session: s, storage } = session(workers);
    await s.transcribeFile(file(), OPTIONS);
    const seen: unknown[] = [];
    const unsubscribe = s.subscribe(() => seen.push(s.getSnapshot()));
    const before = s.getSnapshot();
    s.setLanguage("km");
    expect(s.getSnapshot()).not.toBe(before);
    expect(s.getSnapshot().language).toBe("km");
    s.updateSettings({ ...s.getSnapshot().settings, quality: "low" });
    expect(storage.getItem(SETTINGS_KEY)).toContain("low");
    s.resetLearned();
    expect(s.getSnapshot().notice).toBe("Forgot what this device learned about memory; the plan starts fresh.");
    unsubscribe();
    s.setLanguage("en");
    expect(seen).toHaveLength(3);
  });
  it("with a folder holding only tiny q8, plans and runs tiny and says why", async () => {
    const workers = fakeWorkers();
    const { session: s } = session(workers, { installed: { "whisper-tiny": { encoder: ["q8"], decoder: ["q8"] } } });
    await Promise.resolve();
    await Promise.resolve();
    expect(s.getSnapshot().plan?.attempts).toEqual([{ model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm }]);
    expect(s.getSnapshot().plan?.why).toMatch(/^Whisper base is not installed on this server, so Whisper tiny · WASM · q8\./);
    expect(await s.transcribeFile(file(), OPTIONS)).toMatchObject({ kind: "done", attempt: { model: "whisper-tiny", device: "wasm" } });
    expect(workers.log.filter((line) => line.startsWith("load"))).toEqual(["load whisper-tiny/wasm"]);
  });

  it("with a folder holding nothing usable, says so when the page opens and on a run", async () => {
    const workers = fakeWorkers();
    const { session: s } = session(workers, { installed: {} });
    expect(s.getSnapshot().phase).toEqual({ kind: "error", message: NOTHING_INSTALLED });
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(outcome).toEqual({ kind: "failed", message: NOTHING_INSTALLED });
    expect(workers.counts().created).toBe(0);
  });
  it("steps down when a Hub file cannot be fetched, and tells the user", async () => {
    const workers = fakeWorkers({ loadFails: { "whisper-base/webgpu": 'Could not locate file: "https://huggingface.co/onnx-community/whisper-base/resolve/main/onnx/encoder_model.onnx".' } });
    const { session: s } = session(workers);
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(outcome).toMatchObject({ kind: "done", attempt: { model: "whisper-base", device: "wasm" } });
    expect(s.getSnapshot().notice).toMatch(/could not download its model files, so Whisper base · WASM · q8 took over/);
  });
  it("a failure shows a sentence, with the original error in the details", async () => {
    const workers = fakeWorkers({ loadFails: { "whisper-base/webgpu": "Cannot read properties of undefined (reading 'dims')" } });
    const { session: s } = session(workers);
    const outcome = await s.transcribeFile(file(), OPTIONS);
    expect(outcome.kind === "failed" ? outcome.message : "").not.toMatch(/dims/);
    expect(s.getSnapshot().phase).toMatchObject({ kind: "error", details: "RangeError: Cannot read properties of undefined (reading 'dims')" });
  });
});

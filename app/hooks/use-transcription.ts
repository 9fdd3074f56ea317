"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ClientConfig } from "@/lib/app-config";
import { decodeAudioFile } from "@/lib/audio/decode";
import { monoSource, type AudioSource } from "@/lib/audio/source";
import { transcribeLong, type LongRun } from "@/lib/transcription/long-transcription";
import { probeDevice, readMemoryUsage, type DeviceProfile } from "@/lib/model/device-profile";
import { describeError } from "@/lib/errors";
import { classifyRunError, nextAttemptAfterFailure, RUN_ERROR_LABELS } from "@/lib/model/run-error";
import { describeAttempt, type Attempt } from "@/lib/model/catalog";
import { planAttempts, type ModelPlan } from "@/lib/model/plan";
import { attemptKey, deviceFingerprint, PlanHistory, type DeviceHistory } from "@/lib/model/plan-history";
import { DEFAULT_SETTINGS, loadSettings, saveSettings, type Settings } from "@/lib/settings";
import { TranscriberClient } from "@/lib/transcription/transcriber-client";
import { TEST_HOOKS_ENABLED, type ProgressEvent, type TestFault, type TranscribeOptions } from "@/lib/transcription/worker-protocol";
import { browserStorage } from "@/lib/storage";
import type { TranscriptResult } from "@/lib/transcript/types";

/** Where a transcription stands; the UI renders one of these. */
export type Phase =
  | { readonly kind: "idle" }
  | { readonly kind: "decoding"; readonly fileName: string }
  | { readonly kind: "loading"; readonly file: string; readonly loaded: number; readonly total: number }
  | { readonly kind: "transcribing"; readonly window: number; readonly windows: number; readonly silentWindows: number; readonly partialText: string }
  | { readonly kind: "done"; readonly result: TranscriptResult; readonly fileName: string; readonly attempt: Attempt; readonly silentWindows: number; readonly windows: number }
  | { readonly kind: "cancelled"; readonly partialText: string }
  | { readonly kind: "error"; readonly message: string };

/** What a finished or failed run reports back to its caller (the Telegram inbox uses this). */
export type RunOutcome =
  | { readonly kind: "done"; readonly result: TranscriptResult; readonly attempt: Attempt }
  | { readonly kind: "cancelled"; readonly partialText: string }
  | { readonly kind: "failed"; readonly message: string };

declare global {
  /** Test builds only: a {@link TestFault} to inject into the worker (set by Playwright init scripts). */
  var __WHISPER_TEST_FAULT__: unknown;
}

function testFault(): TestFault | undefined {
  if (!TEST_HOOKS_ENABLED) return undefined;
  const raw: unknown = globalThis.__WHISPER_TEST_FAULT__;
  if (typeof raw !== "object" || raw === null) return undefined;
  const stage = Reflect.get(raw, "stage");
  const model = Reflect.get(raw, "model");
  const message = Reflect.get(raw, "message");
  if ((stage !== "load" && stage !== "transcribe") || (model !== "whisper-tiny" && model !== "whisper-base") || typeof message !== "string") return undefined;
  return { stage, model, message };
}

function runtimeThreads(): number {
  // ORT defaults to min(4, ceil(cores / 2)) threads, i.e. 1 on a 2-core machine; use the cores we have.
  if (typeof crossOriginIsolated === "undefined" || !crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

function loadPhase(progress: ProgressEvent): Phase | null {
  switch (progress.stage) {
    case "download":
      return { kind: "loading", file: progress.file, loaded: progress.loaded, total: progress.total };
    case "loading":
      return { kind: "loading", file: progress.file, loaded: 0, total: 0 };
    case "text":
      return null;
  }
}

function failureMessage(attempt: Attempt, error: unknown, last: boolean): string {
  const kind = classifyRunError(error);
  if (kind === "memory" && last) {
    return `${describeAttempt(attempt)} ran out of memory, and there is no smaller model to try. Close other tabs or apps and try again; your file is still selected.`;
  }
  if (kind === "download") return `The model could not be downloaded (${describeError(error)}). Check the connection and try again; your file is still selected.`;
  return `Transcription failed: ${describeError(error)}`;
}

/**
 * Plans which model to run on this device, runs transcriptions in the worker (stepping down the
 * plan when memory runs out), and exposes progress, the plan and the settings as React state.
 */
export function useTranscription(config: ClientConfig) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [profile, setProfile] = useState<DeviceProfile | null>(null);
  const [history, setHistory] = useState<DeviceHistory | undefined>(undefined);
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [language, setLanguage] = useState("auto");
  const [notice, setNotice] = useState<string | null>(null);
  const [active, setActive] = useState<Attempt | null>(null);
  const [memoryBytes, setMemoryBytes] = useState<number | undefined>(undefined);
  const [probedAt, setProbedAt] = useState(0);

  const historyRef = useRef<PlanHistory | null>(null);
  const profileRef = useRef<Promise<DeviceProfile> | null>(null);
  const workerRef = useRef<{ client: TranscriberClient; key: string } | null>(null);
  const runningRef = useRef<LongRun | null>(null);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const probing = probeDevice();
    profileRef.current = probing;
    void probing.then((found) => {
      setSettings(loadSettings(browserStorage()));
      setProbedAt(Date.now());
      const learned = new PlanHistory(browserStorage(), deviceFingerprint(found));
      historyRef.current = learned;
      if (learned.interrupted !== undefined) {
        setNotice(`Last time this page stopped while loading ${describeAttempt(learned.interrupted)}, most likely out of memory; a smaller model goes first now.`);
      }
      setHistory(learned.snapshot);
      setProfile(found);
    });
    return () => {
      workerRef.current?.client.terminate();
      workerRef.current = null;
      if (idleTimer.current !== null) clearTimeout(idleTimer.current);
    };
  }, []);

  const plan: ModelPlan | null = useMemo(() => {
    if (profile === null) return null;
    const overrides = { ...(settings.model === null ? {} : { model: settings.model }), ...(settings.device === null ? {} : { device: settings.device }) };
    return planAttempts({ device: profile, quality: settings.quality, language, history, overrides, now: probedAt });
  }, [profile, settings, language, history, probedAt]);

  const refreshMemory = useCallback(() => {
    void readMemoryUsage().then(setMemoryBytes);
  }, []);

  const dropWorker = useCallback(() => {
    workerRef.current?.client.terminate();
    workerRef.current = null;
    setActive(null);
  }, []);

  /** One worker per attempt: switching model or device ends the old worker and its WASM heap. */
  const workerFor = useCallback(
    (attempt: Attempt): TranscriberClient => {
      const key = attemptKey(attempt);
      if (workerRef.current !== null && workerRef.current.key !== key) dropWorker();
      workerRef.current ??= { client: new TranscriberClient(), key };
      return workerRef.current.client;
    },
    [dropWorker],
  );

  const scheduleIdleUnload = useCallback(
    (minutes: number) => {
      if (idleTimer.current !== null) clearTimeout(idleTimer.current);
      idleTimer.current = minutes > 0 ? setTimeout(dropWorker, minutes * 60_000) : null;
    },
    [dropWorker],
  );

  /** Decodes (`open`) and transcribes one input named `label`, stepping down the plan on memory failures. */
  const run = useCallback(
    async (label: string, open: () => Promise<AudioSource>, options: TranscribeOptions): Promise<RunOutcome> => {
      if (idleTimer.current !== null) clearTimeout(idleTimer.current);
      setNotice(null);
      setPhase({ kind: "decoding", fileName: label });
      const finish = (outcome: RunOutcome): RunOutcome => {
        scheduleIdleUnload(settings.idleUnloadMinutes);
        refreshMemory();
        return outcome;
      };
      let source: AudioSource;
      try {
        source = await open();
      } catch (error) {
        // Bad input is not a reason to step down: say what is wrong with the file.
        setPhase({ kind: "error", message: describeError(error) });
        return finish({ kind: "failed", message: describeError(error) });
      }
      const found = profile ?? (await (profileRef.current ?? probeDevice()));
      const attempts = (plan ?? planAttempts({ device: found, quality: settings.quality, language, history })).attempts;
      const learned = historyRef.current;
      const steps: string[] = [];
      let index: number | null = 0;
      while (index !== null) {
        const attempt = attempts[index];
        if (attempt === undefined) break;
        let loaded = false;
        try {
          const client = workerFor(attempt);
          setActive(attempt);
          learned?.beginLoad(attempt);
          const onLoad = (progress: ProgressEvent): void => {
            const next = loadPhase(progress);
            if (next !== null) setPhase(next);
          };
          await client.load(attempt, config.modelSource, { ortBaseUrl: "/ort/", threads: runtimeThreads() }, onLoad, testFault());
          loaded = true;
          learned?.finishLoad(attempt, "success");
          setPhase({ kind: "transcribing", window: 0, windows: 0, silentWindows: 0, partialText: "" });
          // Windows are read from the decoded file one at a time, so a retry starts from the same source.
          const run = transcribeLong(source, client, options, (progress) => setPhase({ kind: "transcribing", ...progress }));
          runningRef.current = run;
          const outcome = await run.outcome;
          setHistory(learned?.snapshot);
          if (outcome.kind === "cancelled") {
            setPhase({ kind: "cancelled", partialText: outcome.partialText });
            return finish({ kind: "cancelled", partialText: outcome.partialText });
          }
          if (steps.length > 0) setNotice(`${steps.join(" ")} ${describeAttempt(attempt)} finished the job.`);
          setPhase({ kind: "done", result: outcome.result, fileName: label, attempt, silentWindows: outcome.silentWindows, windows: outcome.windows });
          return finish({ kind: "done", result: outcome.result, attempt });
        } catch (error) {
          const kind = classifyRunError(error);
          if (loaded) learned?.record(attempt, kind);
          else learned?.finishLoad(attempt, kind);
          setHistory(learned?.snapshot);
          // The WASM heap is only given back when the worker ends.
          if (kind === "memory" || kind === "webgpu-unavailable") dropWorker();
          const next = nextAttemptAfterFailure(attempts, index, kind);
          const nextAttempt = next === null ? undefined : attempts[next];
          if (nextAttempt === undefined) {
            const message = failureMessage(attempt, error, true);
            setPhase({ kind: "error", message: steps.length > 0 ? `${steps.join(" ")} ${message}` : message });
            return finish({ kind: "failed", message });
          }
          steps.push(`${describeAttempt(attempt)} ${RUN_ERROR_LABELS[kind]}, so ${describeAttempt(nextAttempt)} took over.`);
          setNotice(steps.join(" "));
          index = next;
        } finally {
          runningRef.current = null;
        }
      }
      const message = "No model could run on this device.";
      setPhase({ kind: "error", message });
      return finish({ kind: "failed", message });
    },
    [config.modelSource, dropWorker, history, language, plan, profile, refreshMemory, scheduleIdleUnload, settings, workerFor],
  );

  /** Transcribes an audio or video file; bad files get a clear message and no step-down. */
  const transcribeFile = useCallback(
    (file: File, options: TranscribeOptions): Promise<RunOutcome> => run(file.name, async () => (await decodeAudioFile(file)).source, options),
    [run],
  );

  /** Transcribes a microphone recording (16 kHz mono samples). */
  const transcribeRecording = useCallback(
    (samples: Float32Array, label: string, options: TranscribeOptions): Promise<RunOutcome> => run(label, () => Promise.resolve(monoSource(samples)), options),
    [run],
  );

  const cancel = useCallback(() => {
    runningRef.current?.cancel();
  }, []);

  const updateSettings = useCallback((next: Settings) => {
    setSettings(next);
    saveSettings(browserStorage(), next);
  }, []);

  const resetLearned = useCallback(() => {
    historyRef.current?.reset();
    setHistory(historyRef.current?.snapshot);
    setNotice("Forgot what this device learned about memory; the plan starts fresh.");
  }, []);

  return { phase, plan, profile, active, notice, settings, updateSettings, resetLearned, language, setLanguage, memoryBytes, transcribeFile, transcribeRecording, cancel };
}

/** The session tests' stand-ins: a scripted fake worker factory, a session over them, a speech-like signal. */
import { monoSource, type AudioSource } from "@/lib/audio/source";
import { SAMPLE_RATE } from "@/lib/audio/sample-rate";
import { describeAttempt, type Attempt } from "@/lib/model/catalog";
import { planAttempts } from "@/lib/model/plan";
import { createMemoryStorage, type KeyValueStorage } from "@/lib/storage";
import { PROFILE } from "../model/device-fixtures";
import { TranscriptionSession } from "@/lib/transcription/session";
import type { LanguageChoice } from "@/lib/transcription/language-choice";
import type { TranscribeOptions } from "@/lib/transcription/worker-protocol";
import type { SessionDependencies, SessionWorker } from "@/lib/transcription/session-dependencies";

export const OPTIONS: TranscribeOptions = { language: "en", task: "transcribe" };

/** Speech-like test signal (so the silence gate lets windows through to the worker). */
export function speechLike(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * SAMPLE_RATE));
  for (let i = 0; i < out.length; i += 1) {
    const t = i / SAMPLE_RATE;
    out[i] = 0.3 * (0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t)) * (Math.sin(2 * Math.PI * 200 * t) + 0.5 * Math.sin(2 * Math.PI * 400 * t));
  }
  return out;
}

export const name = (attempt: Attempt): string => `${attempt.model}/${attempt.device}`;

export interface Script {
  /** Attempts ("whisper-base/webgpu") whose load fails with this message. */
  readonly loadFails?: Readonly<Record<string, string>>;
  /** Attempts whose run fails with this message. */
  readonly runFails?: Readonly<Record<string, string>>;
  /** Windows from this index on (counted per worker) only answer once cancelled. */
  readonly blockFrom?: number;
  /** What the worker says it chose when the language is left to detection (it picks the first preferred). */
  readonly detects?: string;
}

/** A fake worker factory: each worker answers per the script and logs what it was asked. */
export function fakeWorkers(script: Script = {}) {
  const log: string[] = [];
  let created = 0;
  let terminated = 0;
  const createWorker = (): SessionWorker => {
    created += 1;
    let loaded: Attempt | null = null;
    let windows = 0;
    const unblock: Array<() => void> = [];
    return {
      async load(attempt, _source, _runtime, onProgress) {
        log.push(`load ${name(attempt)}`);
        onProgress({ stage: "download", file: "encoder.onnx", loaded: 1, total: 2 });
        const failure = script.loadFails?.[name(attempt)];
        if (failure !== undefined) throw new RangeError(failure);
        loaded = attempt;
        return 1;
      },
      transcribe(_audio, options, onProgress) {
        const attempt = loaded;
        const index = windows;
        windows += 1;
        const requestId = `r${log.length}`;
        log.push(`run ${attempt === null ? "none" : name(attempt)}`);
        const outcome = (async () => {
          const failure = attempt === null ? undefined : script.runFails?.[name(attempt)];
          if (failure !== undefined) throw new RangeError(failure);
          onProgress({ stage: "text", partialText: "hello" });
          if (script.blockFrom !== undefined && index >= script.blockFrom) {
            await new Promise<void>((resolve) => unblock.push(resolve));
            return { kind: "cancelled" as const };
          }
          const preferred = options.preferredLanguages?.[0];
          if (options.language === null && script.detects !== undefined && preferred !== undefined) {
            const languageChoice: LanguageChoice = { reason: "preferred", language: preferred.code, source: preferred.source, detected: { language: script.detects, probability: 0.4 } };
            return { kind: "done" as const, result: { text: "hello world", segments: [{ start: 0, end: 2, text: "hello world" }], language: preferred.code, languageChoice, elapsedMs: 1 } };
          }
          return { kind: "done" as const, result: { text: "hello world", segments: [{ start: 0, end: 2, text: "hello world" }], language: "en", elapsedMs: 1 } };
        })();
        return { requestId, outcome };
      },
      cancel() {
        for (const resolve of unblock.splice(0)) resolve();
      },
      terminate() {
        terminated += 1;
      },
    };
  };
  return { log, createWorker, counts: () => ({ created, terminated }) };
}

export function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

export function session(workers: ReturnType<typeof fakeWorkers>, overrides: Partial<SessionDependencies> & { storage?: KeyValueStorage } = {}) {
  const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  const deps: SessionDependencies = {
    modelSource: { kind: "hub" },
    createWorker: workers.createWorker,
    probeDevice: () => Promise.resolve(PROFILE),
    storage: createMemoryStorage(),
    decodeFile: (): Promise<AudioSource> => Promise.resolve(monoSource(speechLike(3))),
    runtime: () => ({ ortBaseUrl: "/ort/", threads: 1 }),
    schedule: (run, ms) => {
      const timer = { run, ms, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    ...overrides,
  };
  const created = new TranscriptionSession(deps);
  created.start();
  return { session: created, timers, storage: deps.storage };
}

/** The described attempts of the default plan for {@link PROFILE} without history, in order. */
export function planned(): string[] {
  return planAttempts({ device: PROFILE, quality: "medium", language: "auto" }).attempts.map(describeAttempt);
}

export const file = (): File => new File([new Uint8Array(4)], "note.ogg", { type: "audio/ogg" });

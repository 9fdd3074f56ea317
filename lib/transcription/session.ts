/**
 * One page's transcription session, without React: it probes the device, plans which model to run,
 * decodes the input, loads the model in a worker, runs the long transcription, classifies failures
 * and steps down the plan (base → tiny, WebGPU → WASM), records what the device learned, and unloads
 * the worker after the idle time. The app's `useTranscription` hook and the Telegram runner share
 * one instance; it is an external store (`subscribe` / `getSnapshot`) with immutable snapshots.
 */
import { ExternalStore } from "../external-store";
import { createLogger } from "../logger";
import type { AudioSource } from "../audio/source";
import { describeAttempt, type Attempt } from "../model/catalog";
import type { DeviceProfile } from "../model/device-profile";
import type { ModelManifest } from "../model/model-manifest";
import { planAttempts, type ModelPlan } from "../model/plan";
import { canRunAnything, fitPlanToInstalled, NOTHING_INSTALLED } from "../model/plan-installed";
import { attemptKey, deviceFingerprint } from "../model/plan-history";
import { classifyRunError, nextAttemptAfterFailure, RUN_ERROR_LABELS } from "../model/run-error";
import { DEFAULT_SETTINGS, loadSettings, saveSettings, type Settings } from "../settings";
import { errorDetails, failureMessage, inputFailureMessage } from "./failure-message";
import { transcribeLong, type LongRun } from "./long-transcription";
import { createLiveTranscription, type LiveTranscription } from "./live-transcription";
import { isBusyPhase, loadPhase, type Phase, type RunOutcome } from "./phase";
import type { ProgressEvent, TranscribeOptions } from "./worker-protocol";
import { PlanHistory } from "../model/plan-history-store";
import type { SessionDependencies, SessionWorker } from "./session-dependencies";
import { AudioDecodeError } from "../audio/decode-error";

const log = createLogger("transcription");

/** What the UI shows; a new object after every change. */
export interface TranscriptionSnapshot {
  readonly phase: Phase;
  /** The plan for the current settings and language; null until the device probe resolved. */
  readonly plan: ModelPlan | null;
  readonly profile: DeviceProfile | null;
  /** The attempt whose worker is loaded (or loading), if any. */
  readonly active: Attempt | null;
  readonly notice: string | null;
  readonly settings: Settings;
  readonly language: string;
  readonly memoryBytes: number | undefined;
}

/** The snapshot before the session started (also the server's). */
export const INITIAL_TRANSCRIPTION_SNAPSHOT: TranscriptionSnapshot = {
  phase: { kind: "idle" },
  plan: null,
  profile: null,
  active: null,
  notice: null,
  settings: DEFAULT_SETTINGS,
  language: "auto",
  memoryBytes: undefined,
};

/** See the module comment. */
export class TranscriptionSession extends ExternalStore<TranscriptionSnapshot> {
  private readonly deps: SessionDependencies;
  private readonly now: () => number;
  private history: PlanHistory | null = null;
  private probedAt = 0;
  private ready: Promise<DeviceProfile> | null = null;
  private worker: { readonly client: SessionWorker; readonly key: string } | null = null;
  private running: LongRun | null = null;
  private live: LiveTranscription | null = null;
  private cancelIdleUnload: (() => void) | null = null;

  constructor(deps: SessionDependencies) {
    super(INITIAL_TRANSCRIPTION_SNAPSHOT);
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  /** The text so far while a run transcribes (the Telegram chat shows it live); null otherwise. */
  partialText(): string | null {
    const phase = this.snapshot.phase;
    return phase.kind === "transcribing" ? phase.partialText : null;
  }

  /** True while a run is decoding, loading or transcribing. */
  isBusy(): boolean {
    return isBusyPhase(this.snapshot.phase);
  }

  /** Reads the settings and starts the device probe (once; safe to call again after {@link dispose}). */
  start(): void {
    if (this.ready !== null) return;
    this.update({ settings: loadSettings(this.deps.storage) });
    // Said once, when the page opens, rather than after the user picked a file.
    if (!canRunAnything(this.installed())) this.setPhase({ kind: "error", message: NOTHING_INSTALLED });
    this.ready = this.deps.probeDevice().then((found) => {
      this.probedAt = this.now();
      const learned = new PlanHistory(this.deps.storage, deviceFingerprint(found), { now: this.now });
      this.history = learned;
      if (learned.interrupted !== undefined) {
        this.update({ notice: `Last time this page stopped while loading ${describeAttempt(learned.interrupted)}, most likely out of memory; a smaller model goes first now.` });
      }
      this.update({ profile: found });
      return found;
    });
  }

  /** Transcribes an audio or video file; bad files get a clear message and no step-down. */
  transcribeFile(file: File, options: TranscribeOptions): Promise<RunOutcome> {
    return this.run(file.name, () => this.deps.decodeFile(file), options);
  }

  /**
   * Transcribes a recording as it is recorded (./live-transcription.ts): feed `live`, `end()` it on
   * stop; the outcome resolves once the tail is done. A memory failure steps down and carries on.
   */
  transcribeLive(label: string, options: TranscribeOptions): { readonly live: LiveTranscription; readonly outcome: Promise<RunOutcome> } {
    const live = createLiveTranscription(options, (progress) => this.setPhase({ kind: "transcribing", ...progress }));
    this.live = live;
    const outcome = this.runJob(label, () => Promise.resolve((client: SessionWorker) => live.run(client))).finally(() => {
      if (this.live === live) this.live = null;
    });
    return { live, outcome };
  }

  /** Stops the run in progress after its current window; the text so far is kept. */
  cancel(): void {
    this.running?.cancel();
    this.live?.cancel();
  }

  /** Puts the phase back to idle after a run the user threw away (a discarded recording). */
  reset(): void {
    if (!this.isBusy()) this.setPhase({ kind: "idle" });
  }

  /** Applies and keeps new settings; the plan follows. */
  updateSettings(next: Settings): void {
    saveSettings(this.deps.storage, next);
    this.update({ settings: next });
  }

  /** Forgets what this device learned about memory. */
  resetLearned(): void {
    this.history?.reset();
    this.update({ notice: "Forgot what this device learned about memory; the plan starts fresh." }, true);
  }

  /** Sets the language ("auto" or a code); the plan follows (some languages want base). */
  setLanguage(language: string): void {
    this.update({ language });
  }

  /** Ends the worker and the idle timer (the page goes away, or React unmounts the owner). */
  dispose(): void {
    this.clearIdleTimer();
    this.dropWorker();
  }

  /** Applies `patch`; the plan is made again when its inputs (or, with `replan`, the history) changed. */
  private update(patch: Partial<TranscriptionSnapshot>, replan = "profile" in patch || "settings" in patch || "language" in patch): void {
    const next = { ...this.snapshot, ...patch };
    this.publish(replan ? { ...next, plan: next.profile === null ? null : this.planFor(next.profile, next) } : next);
  }

  /** The plan for `profile`; the user's forced model and device count on every path. */
  private planFor(profile: DeviceProfile, state: Pick<TranscriptionSnapshot, "settings" | "language">): ModelPlan {
    const { settings, language } = state;
    const overrides = { ...(settings.model === null ? {} : { model: settings.model }), ...(settings.device === null ? {} : { device: settings.device }) };
    const plan = planAttempts({ device: profile, quality: settings.quality, language, history: this.history?.snapshot, overrides, now: this.probedAt === 0 ? this.now() : this.probedAt });
    return fitPlanToInstalled(plan, this.installed());
  }

  private installed(): ModelManifest | null {
    return this.deps.installed ?? null;
  }

  private setPhase(phase: Phase): void {
    this.update({ phase });
  }

  private dropWorker(): void {
    this.worker?.client.terminate();
    this.worker = null;
    if (this.snapshot.active !== null) this.update({ active: null });
  }

  /** One worker per attempt: switching model or device ends the old worker and its WASM heap. */
  private workerFor(attempt: Attempt): SessionWorker {
    const key = attemptKey(attempt);
    if (this.worker !== null && this.worker.key !== key) this.dropWorker();
    this.worker ??= { client: this.deps.createWorker(), key };
    return this.worker.client;
  }

  private clearIdleTimer(): void {
    this.cancelIdleUnload?.();
    this.cancelIdleUnload = null;
  }

  private scheduleIdleUnload(minutes: number): void {
    this.clearIdleTimer();
    if (minutes <= 0) return;
    const schedule = this.deps.schedule ?? defaultSchedule;
    this.cancelIdleUnload = schedule(() => {
      this.cancelIdleUnload = null;
      this.dropWorker();
    }, minutes * 60_000);
  }

  private finish(outcome: RunOutcome): RunOutcome {
    this.scheduleIdleUnload(this.snapshot.settings.idleUnloadMinutes);
    void this.deps.readMemory?.().then((memoryBytes) => this.update({ memoryBytes }));
    return outcome;
  }

  /** Decodes (`open`) and transcribes one input named `label`, stepping down the plan on memory failures. */
  private run(label: string, open: () => Promise<AudioSource>, options: TranscribeOptions): Promise<RunOutcome> {
    return this.runJob(label, async () => {
      const source = await open();
      // Windows are read from the decoded file one at a time, so a retry starts from the same source.
      return (client: SessionWorker) => transcribeLong(source, client, options, (progress) => this.setPhase({ kind: "transcribing", ...progress }));
    });
  }

  /** Prepares the input (`open`: bad input fails here, without a step-down) and runs it on the plan's attempts in turn. */
  private async runJob(label: string, open: () => Promise<(client: SessionWorker) => LongRun>): Promise<RunOutcome> {
    this.clearIdleTimer();
    this.start();
    this.update({ notice: null, phase: { kind: "decoding", fileName: label } });
    let job: (client: SessionWorker) => LongRun;
    try {
      job = await open();
    } catch (error) {
      // Bad input is not a reason to step down: say what is wrong with the file.
      log.warn(`could not decode ${label}`, error);
      const message = inputFailureMessage(error);
      this.setPhase({ kind: "error", message, details: errorDetails(error) });
      const reason = error instanceof AudioDecodeError && error.code !== "not-audio" ? "empty" : "input";
      return this.finish({ kind: "failed", message, reason });
    }
    const found = this.snapshot.profile ?? (await (this.ready ?? this.deps.probeDevice()));
    const attempts = (this.snapshot.plan ?? this.planFor(found, this.snapshot)).attempts;
    const steps: string[] = [];
    let index: number | null = 0;
    while (index !== null) {
      const attempt = attempts[index];
      if (attempt === undefined) break;
      const learned = this.history;
      let loaded = false;
      try {
        const client = this.workerFor(attempt);
        this.update({ active: attempt });
        learned?.beginLoad(attempt);
        const onLoad = (progress: ProgressEvent): void => {
          const next = loadPhase(progress);
          if (next !== null) this.setPhase(next);
        };
        await client.load(attempt, this.deps.modelSource, this.deps.runtime(), onLoad, this.deps.testFault?.());
        loaded = true;
        learned?.finishLoad(attempt, "success");
        this.setPhase({ kind: "transcribing", window: 0, windows: 0, silentWindows: 0, partialText: "" });
        const run = job(client);
        this.running = run;
        const outcome = await run.outcome;
        this.update({}, true);
        if (outcome.kind === "cancelled") {
          this.setPhase({ kind: "cancelled", partialText: outcome.partialText });
          return this.finish({ kind: "cancelled", partialText: outcome.partialText });
        }
        if (steps.length > 0) this.update({ notice: `${steps.join(" ")} ${describeAttempt(attempt)} finished the job.` });
        const chosen = outcome.languageChoice === undefined ? {} : { languageChoice: outcome.languageChoice };
        this.setPhase({ kind: "done", result: outcome.result, fileName: label, attempt, silentWindows: outcome.silentWindows, windows: outcome.windows, ...chosen });
        return this.finish({ kind: "done", result: outcome.result, attempt, ...chosen });
      } catch (error) {
        const kind = classifyRunError(error);
        log.warn(`${describeAttempt(attempt)} failed (${kind})`, error);
        if (loaded) learned?.record(attempt, kind);
        else learned?.finishLoad(attempt, kind);
        this.update({}, true);
        // The WASM heap is only given back when the worker ends.
        if (kind === "memory" || kind === "webgpu-unavailable") this.dropWorker();
        const next = nextAttemptAfterFailure(attempts, index, kind);
        const nextAttempt = next === null ? undefined : attempts[next];
        if (nextAttempt === undefined) {
          const message = failureMessage(attempt, error, true);
          this.setPhase({ kind: "error", message: steps.length > 0 ? `${steps.join(" ")} ${message}` : message, details: errorDetails(error) });
          return this.finish({ kind: "failed", message, reason: kind === "memory" ? "memory" : kind === "input" ? "input" : "other" });
        }
        steps.push(`${describeAttempt(attempt)} ${RUN_ERROR_LABELS[kind]}, so ${describeAttempt(nextAttempt)} took over.`);
        this.update({ notice: steps.join(" ") });
        index = next;
      } finally {
        this.running = null;
      }
    }
    const message = attempts.length === 0 ? NOTHING_INSTALLED : "No model could run on this device.";
    this.setPhase({ kind: "error", message });
    return this.finish({ kind: "failed", message });
  }
}

function defaultSchedule(run: () => void, ms: number): () => void {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
}

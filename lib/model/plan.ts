/**
 * The model planner: a pure function from the device, the request and what this device did before
 * to an ordered list of attempts ({model, device, dtype}), best first, and one sentence saying why.
 *
 * Two tables decide everything, each read top to bottom, first match wins:
 * {@link MODEL_RULES} picks the largest model worth trying, {@link DEVICE_RULES} picks WebGPU
 * (and its dtype pair) or WASM for each model. The plan then steps down model by model
 * (base → tiny), WebGPU before WASM within a model, and always ends with Whisper tiny on WASM q8,
 * the one attempt that runs everywhere. History ({@link memoryVerdict}) demotes or drops attempts
 * that ran this device out of memory; user overrides go first and keep the safe fallbacks after.
 */
import { DTYPES, MODELS, MODEL_ORDER, describeAttempt, type Attempt, type Device, type ModelId } from "./catalog";
import type { DeviceProfile } from "./device-profile";
import { attemptKey, memoryVerdict, type DeviceHistory } from "./plan-history";
import { whisperLanguageCode } from "../languages";
import { DEVICE_RULES, HARD_LANGUAGES, MODEL_RULES, webGpuDtypes, type DeviceRule, type DeviceRuleId, type HardLanguage, type ModelRule, type ModelRuleId } from "./plan-rules";
import type { WebGpuAdapterInfo } from "./webgpu-probe";

/** The quality the user asked for. */
export type Quality = "low" | "medium" | "high";

/** Every quality, lowest first. */
export const QUALITIES: readonly Quality[] = ["low", "medium", "high"];

/** True when `value` is a {@link Quality}; use it on stored settings and URL parameters. */
export function isQuality(value: unknown): value is Quality {
  return typeof value === "string" && QUALITIES.some((quality) => quality === value);
}

/** The device facts the planner reads (a {@link DeviceProfile} satisfies it). */
export type PlannerDevice = Pick<DeviceProfile, "deviceMemory" | "webgpu" | "hardwareConcurrency" | "saveData" | "effectiveType" | "mobile">;

/** What the user forced in the settings; each field is optional. */
export interface PlanOverrides {
  readonly model?: ModelId;
  readonly device?: Device;
}

/** Everything the planner decides from. */
export interface PlanRequest {
  readonly device: PlannerDevice;
  readonly quality: Quality;
  /** "auto" (or "") for detection, else a language code ("km", "zh-CN") or an English name ("khmer"). */
  readonly language: string;
  /** This device's history; attempts that ran it out of memory are demoted or dropped. */
  readonly history?: DeviceHistory;
  readonly overrides?: PlanOverrides;
  /** Current time in ms, so old memory failures expire; without it none do. */
  readonly now?: number;
}

/** The request reduced to the facts the rule tables test. */
export interface PlanFacts {
  /** `navigator.deviceMemory` in GB; `undefined` when not reported. */
  readonly memoryGb: number | undefined;
  readonly mobile: boolean;
  readonly quality: Quality;
  /** Normalised language code, `undefined` for detection. */
  readonly language: string | undefined;
  /** Set when the language is in {@link HARD_LANGUAGES}. */
  readonly hardLanguage: HardLanguage | undefined;
  /** Save-Data on, or a 2G-class connection. */
  readonly dataSaver: boolean;
  readonly cores: number | undefined;
  readonly webgpu: WebGpuAdapterInfo | null;
}

/** Derives {@link PlanFacts } from a request. */
export function planFacts(request: PlanRequest): PlanFacts {
  const language = whisperLanguageCode(request.language) ?? undefined;
  const { device } = request;
  return {
    memoryGb: device.deviceMemory,
    mobile: device.mobile,
    quality: request.quality,
    language,
    hardLanguage: HARD_LANGUAGES.find((entry) => entry.code === language),
    dataSaver: device.saveData || device.effectiveType === "slow-2g" || device.effectiveType === "2g",
    cores: device.hardwareConcurrency,
    webgpu: device.webgpu,
  };
}

/** An attempt moved by the device's history. */
export interface PlanAdjustment {
  readonly attempt: Attempt;
  readonly action: "demoted" | "dropped";
}

/** The planner's answer. */
export interface ModelPlan {
  /**
   * Best first; no repeats. From {@link planAttempts}: never empty, the last is always Whisper tiny on
   * WASM q8. After `fitPlanToInstalled` (plan-installed.ts): only what the folder holds, maybe nothing.
   */
  readonly attempts: readonly Attempt[];
  /** One sentence for `data-testid="model-info"`: what runs first and why. */
  readonly why: string;
  /** The model rule that chose the starting model, or "override". */
  readonly modelRule: ModelRuleId | "override";
  /** The device rule for the first attempt's model, or "override". */
  readonly deviceRule: DeviceRuleId | "override";
  /** Attempts the history demoted or dropped. */
  readonly adjustments: readonly PlanAdjustment[];
}

/** The attempt every plan ends with: it runs wherever WebAssembly does. */
export const SAFE_ATTEMPT: Attempt = { model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm };

/** The model rule that applies to these facts. */
export function chooseModelRule(facts: PlanFacts): ModelRule {
  const fallback: ModelRule = { id: "medium-quality", when: () => true, model: "whisper-tiny", why: () => "" };
  return MODEL_RULES.find((rule) => rule.when(facts)) ?? fallback;
}

/** The device rule that applies to `model` under these facts. */
export function chooseDeviceRule(facts: PlanFacts, model: ModelId): DeviceRule {
  const fallback: DeviceRule = { id: "no-webgpu", when: () => true, runtime: "wasm", why: () => "" };
  return DEVICE_RULES.find((rule) => rule.when(facts, model)) ?? fallback;
}

function attemptOn(model: ModelId, device: Device, facts: PlanFacts): Attempt {
  return { model, device, dtype: device === "wasm" ? DTYPES.wasm : webGpuDtypes(facts.webgpu) };
}

/** Models from `top` down to the smallest, largest first. */
function modelsFrom(top: ModelId): readonly ModelId[] {
  return MODEL_ORDER.slice(0, MODEL_ORDER.indexOf(top) + 1).reverse();
}

function deviceLabel(device: Device): string {
  return device === "webgpu" ? "WebGPU" : "WASM";
}

/**
 * Plans the attempts for one transcription. Pure: the same request gives the same plan.
 *
 * Order: for each model from the chosen one down to tiny, WebGPU (when {@link DEVICE_RULES} allow it
 * for that model) then WASM. A forced model replaces the model rule; a forced device puts that
 * device first for the forced (or chosen) model — forcing WASM keeps every fallback on WASM.
 * History then moves attempts with one recent memory failure behind the others and drops those
 * with two or more; the final tiny-on-WASM is never moved, and an override still leads (its best
 * attempt the history left, or the best one outright when the history dropped them all).
 */
export function planAttempts(request: PlanRequest): ModelPlan {
  const facts = planFacts(request);
  const overrides = request.overrides ?? {};
  const modelRule = chooseModelRule(facts);
  const topModel = overrides.model ?? modelRule.model;

  const chain: Attempt[] = [];
  for (const model of modelsFrom(topModel)) {
    const runtime = chooseDeviceRule(facts, model).runtime;
    const isTop = model === topModel;
    const wantsGpu = overrides.device === undefined ? runtime !== "wasm" : overrides.device === "webgpu" && (isTop || runtime !== "wasm");
    if (wantsGpu) chain.push(attemptOn(model, "webgpu", facts));
    chain.push(attemptOn(model, "wasm", facts));
  }

  const safeKey = attemptKey(SAFE_ATTEMPT);
  let ranked: Attempt[] = [];
  const demoted: Attempt[] = [];
  let adjustments: PlanAdjustment[] = [];
  const seen = new Set<string>([safeKey]);
  for (const attempt of chain) {
    const key = attemptKey(attempt);
    if (seen.has(key)) continue;
    seen.add(key);
    const verdict = request.history === undefined ? "keep" : memoryVerdict(request.history, attempt, request.now);
    if (verdict === "keep") ranked.push(attempt);
    else if (verdict === "demote") demoted.push(attempt);
    if (verdict !== "keep") adjustments.push({ attempt, action: verdict === "demote" ? "demoted" : "dropped" });
  }
  // With nothing but the last resort left to run first, an attempt that already ran out of memory
  // here must not lead again: after a crash on base, the next visit starts with tiny. Skip it.
  const safeVerdict = request.history === undefined ? "keep" : memoryVerdict(request.history, SAFE_ATTEMPT, request.now);
  if (ranked.length === 0 && safeVerdict === "keep") {
    adjustments = adjustments.map((adjustment) => (adjustment.action === "demoted" ? { attempt: adjustment.attempt, action: "dropped" } : adjustment));
    demoted.length = 0;
  }
  ranked = [...ranked, ...demoted];

  // An override leads even against the history: its best surviving attempt goes first, and if the
  // history dropped them all, the best one comes back (the fallbacks after it stay as they are).
  if (overrides.model !== undefined || overrides.device !== undefined) {
    const matches = (attempt: Attempt): boolean =>
      (overrides.model === undefined || attempt.model === overrides.model) && (overrides.device === undefined || attempt.device === overrides.device);
    const lead = ranked.find(matches) ?? chain.find(matches);
    if (lead !== undefined && attemptKey(lead) !== safeKey) {
      ranked = [lead, ...ranked.filter((attempt) => attempt !== lead)];
      adjustments = adjustments.filter((adjustment) => adjustment.attempt !== lead);
    }
  }
  const attempts = [...ranked, SAFE_ATTEMPT];
  const first = attempts[0] ?? SAFE_ATTEMPT;
  const deviceRule = chooseDeviceRule(facts, first.model);

  let modelWhy = overrides.model === undefined ? modelRule.why(facts) : `you chose ${MODELS[overrides.model].label}`;
  if (first.model !== topModel) modelWhy += `, but ${MODELS[topModel].label} ran out of memory on this device before`;
  let deviceWhy = overrides.device === undefined || first.device !== overrides.device ? deviceRule.why(facts, first.model) : `you chose ${deviceLabel(overrides.device)}`;
  if (overrides.device === undefined && first.device === "wasm" && deviceRule.runtime !== "wasm") {
    deviceWhy = `WASM, because WebGPU ran out of memory on this device before`;
  }
  // A demoted attempt only "moved later" if something from further down the chain now runs before it.
  const movedLater = (attempt: Attempt): boolean => {
    const position = attempts.indexOf(attempt);
    return attempts.slice(0, position).some((earlier) => chain.indexOf(earlier) > chain.indexOf(attempt));
  };
  const listed = (action: PlanAdjustment["action"]): string =>
    adjustments
      .filter((adjustment) => adjustment.action === action && (action === "dropped" || movedLater(adjustment.attempt)))
      .map((adjustment) => describeAttempt(adjustment.attempt))
      .join(", ");
  const notes = [
    listed("dropped") === "" ? "" : `skipped ${listed("dropped")} (out of memory here before)`,
    listed("demoted") === "" ? "" : `moved ${listed("demoted")} later (out of memory here once)`,
    adjustments.some((adjustment) => adjustment.attempt === first) ? "it ran out of memory here once before, so the fallbacks are ready" : "",
  ].filter((note) => note !== "");
  const setBack = notes.map((note) => `; ${note}`).join("");
  return {
    attempts,
    why: `${MODELS[first.model].label} on ${deviceLabel(first.device)}: ${modelWhy}; ${deviceWhy}${setBack}.`,
    modelRule: overrides.model === undefined ? modelRule.id : "override",
    deviceRule: overrides.device === undefined ? deviceRule.id : "override",
    adjustments,
  };
}

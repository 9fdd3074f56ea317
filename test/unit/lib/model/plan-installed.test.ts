import { describe, expect, test } from "vitest";
import type { ModelManifest } from "@/lib/model/model-manifest";
import { planAttempts } from "@/lib/model/plan";
import { canRunAnything, fitPlanToInstalled, NOTHING_INSTALLED } from "@/lib/model/plan-installed";
import { baseGpu, baseWasm, device, GPU, keys, request, tinyGpu, tinyWasm } from "./plan-fixtures";

const Q8 = { encoder: ["q8" as const], decoder: ["q8" as const] };
const ONLY_BASE: ModelManifest = { "whisper-base": Q8 };
const ONLY_TINY_Q8: ModelManifest = { "whisper-tiny": Q8 };
const BOTH: ModelManifest = { "whisper-tiny": Q8, "whisper-base": Q8 };

const tinyPlan = planAttempts(request({ device: device({ deviceMemory: 4 }) }));
const basePlan = planAttempts(request({ quality: "high" }));
const gpuBasePlan = planAttempts(request({ quality: "high", device: device({ webgpu: GPU }) }));

describe("fitPlanToInstalled", () => {
  test("with the Hub the plan is unchanged", () => {
    expect(fitPlanToInstalled(gpuBasePlan, null)).toBe(gpuBasePlan);
  });

  test("only base installed: a plan for tiny runs base and says why", () => {
    expect(keys(tinyPlan.attempts)).toEqual(keys([tinyWasm]));
    const fitted = fitPlanToInstalled(tinyPlan, ONLY_BASE);
    expect(keys(fitted.attempts)).toEqual(keys([baseWasm]));
    expect(fitted.why).toMatch(/^Whisper tiny is not installed on this server, so Whisper base · WASM · q8\. /);
  });

  test("only tiny q8 installed: a plan for base on WebGPU runs tiny on WASM", () => {
    expect(keys(gpuBasePlan.attempts)).toEqual(keys([baseGpu, baseWasm, tinyGpu, tinyWasm]));
    const fitted = fitPlanToInstalled(gpuBasePlan, ONLY_TINY_Q8);
    expect(keys(fitted.attempts)).toEqual(keys([tinyWasm]));
    expect(fitted.why).toMatch(/^Whisper base is not installed on this server, so Whisper tiny · WASM · q8\./);
  });

  test("both in q8 only: the WebGPU attempts are skipped, the files' absence is named", () => {
    const fitted = fitPlanToInstalled(gpuBasePlan, BOTH);
    expect(keys(fitted.attempts)).toEqual(keys([baseWasm, tinyWasm]));
    expect(fitted.why).toMatch(/^Whisper base · WebGPU · fp32\/q4 is not installed on this server, so Whisper base · WASM · q8\./);
  });

  test("everything the plan wants is installed: same plan", () => {
    expect(fitPlanToInstalled(basePlan, BOTH)).toBe(basePlan);
  });

  test("a folder without q8 runs another format on WASM", () => {
    const fitted = fitPlanToInstalled(tinyPlan, { "whisper-tiny": { encoder: ["fp32"], decoder: ["fp32"] } });
    expect(fitted.attempts).toEqual([{ model: "whisper-tiny", device: "wasm", dtype: { encoder: "fp32", decoder: "fp32" } }]);
  });

  test("a folder with nothing usable leaves no attempt and one clear sentence", () => {
    const fitted = fitPlanToInstalled(tinyPlan, {});
    expect(fitted.attempts).toEqual([]);
    expect(fitted.why).toBe(NOTHING_INSTALLED);
    expect(canRunAnything({})).toBe(false);
    expect(canRunAnything({ "whisper-tiny": { encoder: ["fp16"], decoder: ["q4f16"] } })).toBe(false);
    expect(canRunAnything(ONLY_BASE)).toBe(true);
    expect(canRunAnything(null)).toBe(true);
  });
});

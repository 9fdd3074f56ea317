import { describe, expect, test } from "vitest";
import { DTYPES, type ModelId } from "@/lib/model/catalog";
import { planAttempts } from "@/lib/model/plan";
import { DEVICE_RULES, HARD_LANGUAGES, MODEL_RULES, largestWeightBytes } from "@/lib/model/plan-rules";
import { MiB, GPU, GPU_F16, device, request, tinyWasm, baseWasm, tinyGpu, baseGpu, tinyGpu16, baseGpu16, keys, T, B } from "./plan-fixtures";

describe("planAttempts: model rules", () => {
  test.each([
    { name: "≤ 2 GB", req: request({ device: device({ deviceMemory: 2 }), quality: "high", language: "km" }), rule: "scarce-memory" },
    { name: "unknown memory on a phone", req: request({ device: device({ deviceMemory: undefined, mobile: true }) }), rule: "unknown-memory-phone" },
    { name: "high quality", req: request({ quality: "high" }), rule: "high-quality" },
    { name: "hard language", req: request({ device: device({ deviceMemory: 4 }), language: "ja" }), rule: "hard-language" },
    { name: "Save-Data", req: request({ device: device({ saveData: true }) }), rule: "data-saver" },
    { name: "2G", req: request({ device: device({ effectiveType: "2g" }) }), rule: "data-saver" },
    { name: "slow-2g", req: request({ device: device({ effectiveType: "slow-2g" }) }), rule: "data-saver" },
    { name: "few cores, no WebGPU", req: request({ device: device({ hardwareConcurrency: 2 }) }), rule: "few-cores" },
    { name: "≥ 8 GB, medium", req: request({ device: device({ deviceMemory: 8 }) }), rule: "plenty-memory" },
    { name: "low", req: request({ quality: "low" }), rule: "low-quality" },
    { name: "medium, 4 GB", req: request({ device: device({ deviceMemory: 4 }) }), rule: "medium-quality" },
  ])("$name → $rule", ({ req, rule }) => {
    expect(planAttempts(req).modelRule).toBe(rule);
  });

  test("every rule id is reachable and the table ends with a catch-all", () => {
    expect(MODEL_RULES.map((rule) => rule.id)).toEqual([
      "scarce-memory",
      "unknown-memory-phone",
      "high-quality",
      "hard-language",
      "data-saver",
      "few-cores",
      "plenty-memory",
      "low-quality",
      "medium-quality",
    ]);
  });

  test("Save-Data keeps high quality and hard languages on base", () => {
    expect(planAttempts(request({ device: device({ saveData: true }), quality: "high" })).attempts[0]?.model).toBe(B);
    expect(planAttempts(request({ device: device({ saveData: true }), language: "zh" })).attempts[0]?.model).toBe(B);
  });

  test("few cores do not stop base when WebGPU can carry it", () => {
    const plan = planAttempts(request({ device: device({ hardwareConcurrency: 2, webgpu: GPU }) }));
    expect(plan.modelRule).toBe("plenty-memory");
    expect(plan.attempts[0]).toEqual(baseGpu);
  });

  test("a software fallback adapter does not count as WebGPU for the few-cores rule", () => {
    const plan = planAttempts(request({ device: device({ hardwareConcurrency: 2, webgpu: { ...GPU, isFallbackAdapter: true } }) }));
    expect(plan.modelRule).toBe("few-cores");
  });
});

describe("planAttempts: device rules and dtypes", () => {
  test("shader-f16 pairs an fp16 encoder with a q4f16 decoder", () => {
    const plan = planAttempts(request({ device: device({ webgpu: GPU_F16 }), quality: "high" }));
    expect(keys(plan.attempts)).toEqual(keys([baseGpu16, baseWasm, tinyGpu16, tinyWasm]));
    expect(plan.deviceRule).toBe("webgpu-f16");
  });

  test("without shader-f16 WebGPU gets an fp32 encoder and a q4 decoder", () => {
    const plan = planAttempts(request({ device: device({ webgpu: GPU }), quality: "high" }));
    expect(plan.attempts[0]?.dtype).toEqual({ encoder: "fp32", decoder: "q4" });
    expect(plan.deviceRule).toBe("webgpu");
  });

  test("a software fallback adapter means WASM only", () => {
    const plan = planAttempts(request({ device: device({ webgpu: { ...GPU, isFallbackAdapter: true } }), quality: "high" }));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyWasm]));
    expect(plan.deviceRule).toBe("fallback-adapter");
  });

  test("buffer limits too small for base's embedding put base on WASM but keep tiny on WebGPU", () => {
    const small = { ...GPU, maxStorageBufferBindingSize: 100 * MiB };
    const plan = planAttempts(request({ device: device({ webgpu: small }), quality: "high" }));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyGpu, tinyWasm]));
    expect(plan.deviceRule).toBe("buffer-limits");
    expect(plan.why).toContain("101 MiB");
  });

  test("the same limits fit base in fp16", () => {
    const small = { ...GPU_F16, maxStorageBufferBindingSize: 100 * MiB };
    expect(planAttempts(request({ device: device({ webgpu: small }), quality: "high" })).attempts[0]).toEqual(baseGpu16);
  });

  test("maxBufferSize counts too", () => {
    const small = { ...GPU, maxBufferSize: 64 * MiB };
    expect(keys(planAttempts(request({ device: device({ webgpu: small }), quality: "high" })).attempts)).toEqual(keys([baseWasm, tinyWasm]));
  });

  test("largest weight estimates: the decoder's token embedding", () => {
    expect(largestWeightBytes("whisper-tiny", DTYPES.webgpu)).toBe(51_865 * 384 * 4);
    expect(largestWeightBytes("whisper-base", DTYPES.webgpu)).toBe(51_865 * 512 * 4);
    expect(largestWeightBytes("whisper-base", DTYPES["webgpu-f16"])).toBe(51_865 * 512 * 2);
    // Both fit WebGPU's guaranteed 128 MiB binding in every format.
    expect(largestWeightBytes("whisper-base", DTYPES.webgpu)).toBeLessThan(128 * MiB);
  });

  test("device rule table order", () => {
    expect(DEVICE_RULES.map((rule) => rule.id)).toEqual(["no-webgpu", "fallback-adapter", "very-low-memory", "buffer-limits", "webgpu-f16", "webgpu"]);
  });
});

describe("planAttempts: languages", () => {
  const languageCases: readonly (readonly [string, ModelId])[] = [
    ["zh-CN", B],
    ["ZH", B],
    ["ja", B],
    ["Khmer", B],
    ["km_KH", B],
    ["en-US", T],
    ["auto", T],
    ["", T],
    ["fr", T],
  ];
  test.each(languageCases)("language %s at 4 GB, medium → %s", (language, model) => {
    expect(planAttempts(request({ device: device({ deviceMemory: 4 }), language })).attempts[0]?.model).toBe(model);
  });

  test("the hard languages include at least Khmer, Chinese and Japanese", () => {
    expect(HARD_LANGUAGES.map((language) => language.code)).toEqual(expect.arrayContaining(["km", "zh", "ja"]));
  });
});

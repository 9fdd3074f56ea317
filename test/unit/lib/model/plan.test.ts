import { describe, expect, test } from "vitest";
import { DTYPES, type Attempt, type ModelId } from "@/lib/model/catalog";
import { QUALITIES, SAFE_ATTEMPT, isQuality, planAttempts, type PlanOverrides, type PlanRequest, type Quality } from "@/lib/model/plan";
import { attemptKey, emptyHistory, recordOutcome, type DeviceHistory } from "@/lib/model/plan-history";
import type { WebGpuAdapterInfo } from "@/lib/model/webgpu-probe";
import { MiB, GPU, GPU_F16, device, request, tinyWasm, baseWasm, tinyGpu, baseGpu, tinyGpu16, baseGpu16, keys, T, B } from "./plan-fixtures";

/**
 * Expected starting model on a desktop, per deviceMemory, as literal data (not derived from the rules):
 * columns are low/easy, low/hard, medium/easy, medium/hard, high/easy, high/hard.
 */
const EXPECTED_DESKTOP: readonly (readonly [number | undefined, ModelId, ModelId, ModelId, ModelId, ModelId, ModelId])[] = [
  [0.25, T, T, T, T, T, T],
  [0.5, T, T, T, T, T, T],
  [1, T, T, T, T, T, T],
  [2, T, T, T, T, T, T],
  [4, T, B, T, B, B, B],
  [8, T, B, B, B, B, B],
  [16, T, B, B, B, B, B],
  [undefined, T, B, T, B, B, B],
];

const COLUMNS: readonly (readonly [Quality, "easy" | "hard"])[] = [
  ["low", "easy"],
  ["low", "hard"],
  ["medium", "easy"],
  ["medium", "hard"],
  ["high", "easy"],
  ["high", "hard"],
];

const LANGUAGE: Readonly<Record<"easy" | "hard", string>> = { easy: "en", hard: "km" };

interface MatrixCase {
  readonly memory: number | undefined;
  readonly gpu: "WebGPU" | "no WebGPU";
  readonly quality: Quality;
  readonly language: string;
  readonly model: ModelId;
  readonly expected: readonly Attempt[];
}

function expectedPlan(model: ModelId, memory: number | undefined, gpu: boolean): readonly Attempt[] {
  // Under 1 GB no WebGPU attempt is made (weights would sit in CPU and GPU memory at once).
  const useGpu = gpu && (memory === undefined || memory >= 1);
  if (model === "whisper-base") return useGpu ? [baseGpu, baseWasm, tinyGpu, tinyWasm] : [baseWasm, tinyWasm];
  return useGpu ? [tinyGpu, tinyWasm] : [tinyWasm];
}

const MATRIX: readonly MatrixCase[] = EXPECTED_DESKTOP.flatMap(([memory, ...models]) =>
  [true, false].flatMap((gpu) =>
    COLUMNS.map(([quality, difficulty], index): MatrixCase => {
      const model = models[index] ?? T;
      return {
        memory,
        gpu: gpu ? "WebGPU" : "no WebGPU",
        quality,
        language: LANGUAGE[difficulty],
        model,
        expected: expectedPlan(model, memory, gpu),
      };
    }),
  ),
);

describe("planAttempts: the matrix (desktop)", () => {
  test("covers every memory × WebGPU × quality × language row", () => {
    expect(MATRIX).toHaveLength(8 * 2 * 3 * 2);
  });

  test.each(MATRIX)("deviceMemory $memory, $gpu, $quality quality, language $language → $model", (row) => {
    const plan = planAttempts(
      request({ device: device({ deviceMemory: row.memory, webgpu: row.gpu === "WebGPU" ? GPU : null }), quality: row.quality, language: row.language }),
    );
    expect(keys(plan.attempts)).toEqual(keys(row.expected));
    expect(plan.attempts[0]?.model).toBe(row.model);
  });
});

describe("planAttempts: phones", () => {
  test.each(QUALITIES.flatMap((quality) => ["en", "km"].map((language) => ({ quality, language }))))(
    "unknown memory on a phone stays on tiny ($quality, $language)",
    ({ quality, language }) => {
      const plan = planAttempts(request({ device: device({ deviceMemory: undefined, mobile: true }), quality, language }));
      expect(keys(plan.attempts)).toEqual(keys([tinyWasm]));
      expect(plan.modelRule).toBe("unknown-memory-phone");
    },
  );

  test("a phone that reports 4 GB is treated like any 4 GB device", () => {
    const plan = planAttempts(request({ device: device({ deviceMemory: 4, mobile: true, webgpu: GPU }), quality: "high" }));
    expect(keys(plan.attempts)).toEqual(keys([baseGpu, baseWasm, tinyGpu, tinyWasm]));
  });
});

describe("planAttempts: the why sentence", () => {
  test("names the first attempt and the reasons", () => {
    expect(planAttempts(request({ device: device({ deviceMemory: 1 }) })).why).toBe(
      "Whisper tiny on WASM: 1 GB of memory is too little for Whisper base; no WebGPU adapter, so WASM.",
    );
    expect(planAttempts(request({ device: device({ webgpu: GPU_F16 }), quality: "high" })).why).toBe(
      "Whisper base on WebGPU: you asked for high quality; WebGPU with shader-f16 (fp16 encoder, q4f16 decoder).",
    );
    expect(planAttempts(request({ device: device({ deviceMemory: 4 }), language: "km" })).why).toContain("Khmer needs the larger model");
    expect(planAttempts(request({ device: device({ deviceMemory: 0.25 }) })).why).toContain("256 MB of memory");
  });
});

describe("planAttempts: overrides", () => {
  test("a forced model leads even on a small device, with safe fallbacks after it", () => {
    const plan = planAttempts(request({ device: device({ deviceMemory: 1 }), overrides: { model: "whisper-base" } }));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyWasm]));
    expect(plan.modelRule).toBe("override");
    expect(plan.why).toContain("you chose Whisper base");
  });

  test("forcing tiny drops base entirely", () => {
    const plan = planAttempts(request({ device: device({ webgpu: GPU }), quality: "high", overrides: { model: "whisper-tiny" } }));
    expect(keys(plan.attempts)).toEqual(keys([tinyGpu, tinyWasm]));
  });

  test("forcing WASM keeps every fallback on WASM", () => {
    const plan = planAttempts(request({ device: device({ webgpu: GPU }), quality: "high", overrides: { device: "wasm" } }));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyWasm]));
    expect(plan.deviceRule).toBe("override");
    expect(plan.why).toContain("you chose WASM");
  });

  test("forcing WebGPU without an adapter still tries it first, then falls back to WASM", () => {
    const plan = planAttempts(request({ quality: "high", overrides: { device: "webgpu" } }));
    expect(keys(plan.attempts)).toEqual(keys([baseGpu, baseWasm, tinyWasm]));
  });

  test("forcing both", () => {
    expect(keys(planAttempts(request({ overrides: { model: "whisper-tiny", device: "webgpu" } })).attempts)).toEqual(keys([tinyGpu, tinyWasm]));
    expect(keys(planAttempts(request({ overrides: { model: "whisper-tiny", device: "wasm" } })).attempts)).toEqual(keys([tinyWasm]));
    expect(keys(planAttempts(request({ device: device({ webgpu: GPU_F16 }), overrides: { model: "whisper-base", device: "webgpu" } })).attempts)).toEqual(
      keys([baseGpu16, baseWasm, tinyGpu16, tinyWasm]),
    );
  });

  test("a forced model leads even when the history dropped all its attempts", () => {
    const history = failMemory(emptyHistory(), [baseGpu, baseGpu, baseWasm, baseWasm]);
    const plan = planAttempts(request({ device: device({ webgpu: GPU }), history, overrides: { model: "whisper-base" } }));
    expect(keys(plan.attempts)).toEqual(keys([baseGpu, tinyGpu, tinyWasm]));
    expect(plan.adjustments).toEqual([{ attempt: baseWasm, action: "dropped" }]);
  });

  test("a forced model lets the history pick its device", () => {
    const history = failMemory(emptyHistory(), [baseGpu, baseGpu]);
    const plan = planAttempts(request({ device: device({ webgpu: GPU }), history, overrides: { model: "whisper-base" } }));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyGpu, tinyWasm]));
  });
});

function failMemory(history: DeviceHistory, attempts: readonly Attempt[], at = 1000): DeviceHistory {
  return attempts.reduce((acc, attempt) => recordOutcome(acc, attempt, "memory", at), history);
}

describe("planAttempts: history", () => {
  const gpuHigh = (history: DeviceHistory, now?: number): PlanRequest => request({ device: device({ webgpu: GPU }), quality: "high", history, now });

  test("one memory failure demotes the attempt behind the others (but before the last)", () => {
    const plan = planAttempts(gpuHigh(failMemory(emptyHistory(), [baseGpu])));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyGpu, baseGpu, tinyWasm]));
    expect(plan.adjustments).toEqual([{ attempt: baseGpu, action: "demoted" }]);
    expect(plan.why).toContain("WASM, because WebGPU ran out of memory on this device before");
    expect(plan.why).toContain("moved Whisper base · WebGPU · fp32/q4 later");
  });

  test("two memory failures drop it", () => {
    const plan = planAttempts(gpuHigh(failMemory(emptyHistory(), [baseGpu, baseGpu])));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyGpu, tinyWasm]));
    expect(plan.adjustments).toEqual([{ attempt: baseGpu, action: "dropped" }]);
    expect(plan.why).toContain("skipped Whisper base · WebGPU · fp32/q4 (out of memory here before)");
  });

  test("when every attempt but the last resort ran out of memory once, the last resort leads alone", () => {
    // After a crash loading base, the next visit must start smaller rather than try base again.
    const plan = planAttempts(gpuHigh(failMemory(emptyHistory(), [baseWasm, tinyGpu])));
    expect(keys(plan.attempts)).toEqual(keys([tinyWasm]));
    expect(plan.adjustments.every((adjustment) => adjustment.action === "dropped")).toBe(true);
    expect(plan.why).toContain("skipped");
  });

  test("a single failed attempt in front of the last resort is skipped, not retried first", () => {
    const plan = planAttempts(request({ device: device({ deviceMemory: 8 }), history: failMemory(emptyHistory(), [baseWasm]) }));
    expect(keys(plan.attempts)).toEqual(keys([tinyWasm]));
    expect(plan.why).toContain("skipped Whisper base · WASM · q8");
  });

  test("a success in between forgives an earlier failure", () => {
    const history = recordOutcome(failMemory(emptyHistory(), [baseGpu]), baseGpu, "success", 2000);
    expect(keys(planAttempts(gpuHigh(history)).attempts)).toEqual(keys([baseGpu, baseWasm, tinyGpu, tinyWasm]));
  });

  test("tiny running WASM out of memory twice drops base on WASM too, but tiny on WASM stays last", () => {
    const plan = planAttempts(request({ quality: "high", history: failMemory(emptyHistory(), [tinyWasm, tinyWasm]) }));
    expect(keys(plan.attempts)).toEqual(keys([tinyWasm]));
    expect(plan.why).toContain("but Whisper base ran out of memory on this device before");
  });

  test("failures on WebGPU do not touch WASM attempts", () => {
    const plan = planAttempts(gpuHigh(failMemory(emptyHistory(), [tinyGpu, tinyGpu])));
    expect(keys(plan.attempts)).toEqual(keys([baseWasm, tinyWasm]));
  });

  test("old failures expire when `now` is given", () => {
    const history = failMemory(emptyHistory(), [baseGpu, baseGpu], 0);
    const now = 31 * 24 * 60 * 60 * 1000;
    expect(planAttempts(gpuHigh(history, now)).attempts[0]).toEqual(baseGpu);
    expect(planAttempts(gpuHigh(history)).attempts[0]).toEqual(baseWasm);
  });

  test("failures of other kinds do not move anything", () => {
    const history = recordOutcome(recordOutcome(emptyHistory(), baseGpu, "other", 1), baseGpu, "download", 2);
    expect(planAttempts(gpuHigh(history)).adjustments).toEqual([]);
  });
});

describe("planAttempts: invariants over the whole input space", () => {
  const adapters: readonly (WebGpuAdapterInfo | null)[] = [
    null,
    GPU,
    GPU_F16,
    { ...GPU, isFallbackAdapter: true },
    { ...GPU, maxStorageBufferBindingSize: 90 * MiB },
    { ...GPU_F16, maxBufferSize: 30 * MiB },
  ];
  const memories = [0.25, 0.5, 1, 2, 4, 8, 16, undefined];
  const overrides: readonly PlanOverrides[] = [
    {},
    { model: "whisper-base" },
    { model: "whisper-tiny" },
    { device: "wasm" },
    { device: "webgpu" },
    { model: "whisper-base", device: "webgpu" },
  ];
  const histories: readonly DeviceHistory[] = [emptyHistory(), failMemory(emptyHistory(), [baseGpu]), failMemory(emptyHistory(), [baseWasm, baseWasm, tinyGpu16])];

  test("every plan is non-empty, has no repeats, ends on tiny WASM q8, and never pairs WebGPU with q8", () => {
    let count = 0;
    const failures: string[] = [];
    for (const webgpu of adapters)
      for (const deviceMemory of memories)
        for (const mobile of [false, true])
          for (const quality of QUALITIES)
            for (const language of ["en", "km", "auto"])
              for (const override of overrides)
                for (const history of histories) {
                  const plan = planAttempts({
                    device: device({ deviceMemory, webgpu, mobile, saveData: quality === "low" }),
                    quality,
                    language,
                    overrides: override,
                    history,
                  });
                  count += 1;
                  const planKeys = keys(plan.attempts);
                  const problems = [
                    planKeys.length === 0 && "empty",
                    new Set(planKeys).size !== planKeys.length && "repeats",
                    planKeys.at(-1) !== attemptKey(SAFE_ATTEMPT) && "does not end on tiny WASM q8",
                    plan.attempts.some((a) => a.device === "webgpu" && a.dtype.decoder === "q8") && "WebGPU with a q8 decoder",
                    plan.attempts.some((a) => a.device === "webgpu" && (a.dtype.encoder === "fp16") !== (a.dtype.decoder === "q4f16")) && "mismatched fp16 pair",
                    plan.attempts.some((a) => a.device === "wasm" && attemptKey(a) !== attemptKey({ ...a, dtype: DTYPES.wasm })) && "WASM without q8",
                    override.model !== undefined && plan.attempts[0]?.model !== override.model && "forced model not first",
                    override.device !== undefined && plan.attempts[0]?.device !== override.device && "forced device not first",
                    !/^Whisper (tiny|base) on (WebGPU|WASM): .+\.$/.test(plan.why) && "bad sentence",
                  ].filter((problem) => problem !== false);
                  if (problems.length > 0) failures.push(`${JSON.stringify({ deviceMemory, webgpu, mobile, quality, language, override })}: ${problems.join(", ")}`);
                }
    expect(failures).toEqual([]);
    expect(count).toBe(adapters.length * memories.length * 2 * 3 * 3 * overrides.length * histories.length);
  });

  test("without history or overrides, models never grow and WebGPU comes before WASM within a model", () => {
    for (const webgpu of adapters)
      for (const deviceMemory of memories)
        for (const quality of QUALITIES) {
          const { attempts } = planAttempts({ device: device({ deviceMemory, webgpu }), quality, language: "km" });
          const ranks = attempts.map((attempt) => (attempt.model === "whisper-base" ? 1 : 0) * 2 + (attempt.device === "webgpu" ? 1 : 0));
          expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
        }
  });

  test("isQuality", () => {
    expect(isQuality("high")).toBe(true);
    expect(isQuality("ultra")).toBe(false);
    expect(isQuality(undefined)).toBe(false);
  });
});

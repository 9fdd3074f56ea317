import { afterEach, describe, expect, test, vi } from "vitest";
import { MEMORY_FAILURE_TTL_MS, attemptKey, clearLoading, deviceFingerprint, emptyHistory, markLoading, memoryVerdict, parseAttemptKey, parseHistory, recordOutcome, recoverInterruptedLoad, serializeHistory } from "@/lib/model/plan-history";
import { browserStorage, createMemoryStorage } from "@/lib/storage";

import { baseGpu, baseGpu16, baseWasm, memoryFailures, tinyGpu, tinyWasm } from "./plan-fixtures";

describe("attempt keys", () => {
  test.each([baseGpu, baseGpu16, baseWasm, tinyGpu, tinyWasm])("round trip %#", (attempt) => {
    expect(parseAttemptKey(attemptKey(attempt))).toEqual(attempt);
  });

  test("format", () => {
    expect(attemptKey(baseGpu)).toBe("whisper-base/webgpu/fp32+q4");
  });

  test.each(["", "whisper-large/wasm/q8+q8", "whisper-tiny/cuda/q8+q8", "whisper-tiny/wasm/q8", "whisper-tiny/wasm/q8+q3", "a/b/c/d", "whisper-tiny/wasm/q8+q8+q8"])(
    "malformed %j → undefined",
    (key) => {
      expect(parseAttemptKey(key)).toBeUndefined();
    },
  );
});

describe("deviceFingerprint", () => {
  test("memory, GPU vendor/architecture, cores, OS and phone", () => {
    expect(
      deviceFingerprint({
        deviceMemory: 8,
        webgpu: { vendor: "Apple", architecture: "metal-3", isFallbackAdapter: false, shaderF16: true, maxBufferSize: 1, maxStorageBufferBindingSize: 1 },
        hardwareConcurrency: 10,
        platform: "macOS",
        mobile: false,
      }),
    ).toBe("mem=8;gpu=apple/metal-3;cores=10;os=macos;mobile=0");
  });

  test("unknowns", () => {
    expect(deviceFingerprint({ deviceMemory: undefined, webgpu: null, hardwareConcurrency: undefined, platform: "", mobile: true })).toBe(
      "mem=?;gpu=none;cores=?;os=?;mobile=1",
    );
  });
});

describe("recordOutcome", () => {
  test("counts successes and failures; a success ends the memory streak", () => {
    let history = memoryFailures(emptyHistory(), baseGpu, 2);
    expect(history.attempts[attemptKey(baseGpu)]).toMatchObject({ memoryFailures: 2, memoryStreak: 2, failures: 2, successes: 0, lastOutcome: "memory" });
    history = recordOutcome(history, baseGpu, "success", 2000);
    expect(history.attempts[attemptKey(baseGpu)]).toMatchObject({ memoryFailures: 2, memoryStreak: 0, successes: 1, lastOutcome: "success", lastAt: 2000 });
    history = recordOutcome(history, baseGpu, "other", 3000);
    expect(history.attempts[attemptKey(baseGpu)]).toMatchObject({ failures: 3, memoryStreak: 0, lastMemoryFailureAt: 1000 });
  });

  test("input and cancelled say nothing about the attempt", () => {
    const history = emptyHistory();
    expect(recordOutcome(history, baseGpu, "input", 1)).toBe(history);
    expect(recordOutcome(history, baseGpu, "cancelled", 1)).toBe(history);
  });

  test("does not mutate its input", () => {
    const history = emptyHistory();
    recordOutcome(history, baseGpu, "memory", 1);
    expect(history).toEqual(emptyHistory());
  });
});

describe("parseHistory / serializeHistory", () => {
  test("round trip", () => {
    const history = markLoading(recordOutcome(emptyHistory(), baseGpu, "memory", 5), tinyWasm, 6);
    expect(parseHistory(serializeHistory(history))).toEqual(history);
  });

  test.each([null, "", "not json", "[]", "null", '{"version":2,"attempts":{}}', '{"version":1,"attempts":"x","loading":5}'])("junk %j → empty", (text) => {
    expect(parseHistory(text)).toEqual(emptyHistory());
  });

  test("drops malformed records and keys, clamps counters", () => {
    const text = JSON.stringify({
      version: 1,
      attempts: {
        "whisper-base/webgpu/fp32+q4": { successes: -3, failures: 0, memoryFailures: 1, memoryStreak: 9, lastMemoryFailureAt: 7, lastOutcome: "memory", lastAt: 7 },
        "whisper-huge/webgpu/fp32+q4": { lastOutcome: "memory" },
        "whisper-tiny/wasm/q8+q8": { lastOutcome: "exploded" },
      },
      loading: { attempt: "nonsense", since: 1 },
    });
    expect(parseHistory(text)).toEqual({
      version: 1,
      attempts: {
        "whisper-base/webgpu/fp32+q4": { successes: 0, failures: 1, memoryFailures: 1, memoryStreak: 1, lastMemoryFailureAt: 7, lastOutcome: "memory", lastAt: 7 },
      },
      loading: null,
    });
  });
});

describe("loading marker", () => {
  test("a marker left over counts as a memory failure of that attempt", () => {
    const left = markLoading(emptyHistory(), baseGpu, 1234);
    const { history, interrupted } = recoverInterruptedLoad(left);
    expect(interrupted).toEqual(baseGpu);
    expect(history.loading).toBeNull();
    expect(history.attempts[attemptKey(baseGpu)]).toMatchObject({ memoryFailures: 1, memoryStreak: 1, lastMemoryFailureAt: 1234 });
  });

  test("no marker, nothing to recover", () => {
    const history = emptyHistory();
    expect(recoverInterruptedLoad(history)).toEqual({ history, interrupted: undefined });
  });

  test("clearLoading", () => {
    expect(clearLoading(markLoading(emptyHistory(), baseGpu, 1)).loading).toBeNull();
  });
});

describe("memoryVerdict", () => {
  test.each([
    [0, "keep"],
    [1, "demote"],
    [2, "drop"],
    [5, "drop"],
  ] satisfies readonly (readonly [number, string])[])("%i consecutive memory failures → %s", (times, verdict) => {
    expect(memoryVerdict(memoryFailures(emptyHistory(), baseGpu, times), baseGpu)).toBe(verdict);
  });

  test("a smaller model's failures count for a bigger one on the same device, not the other way", () => {
    const history = memoryFailures(emptyHistory(), tinyGpu, 2);
    expect(memoryVerdict(history, baseGpu)).toBe("drop");
    expect(memoryVerdict(history, baseGpu16)).toBe("drop");
    expect(memoryVerdict(history, baseWasm)).toBe("keep");
    expect(memoryVerdict(memoryFailures(emptyHistory(), baseGpu, 2), tinyGpu)).toBe("keep");
  });

  test("failures expire after the TTL when `now` is given", () => {
    const history = memoryFailures(emptyHistory(), baseGpu, 2, 1000);
    expect(memoryVerdict(history, baseGpu, 1000 + MEMORY_FAILURE_TTL_MS)).toBe("drop");
    expect(memoryVerdict(history, baseGpu, 1001 + MEMORY_FAILURE_TTL_MS)).toBe("keep");
    expect(memoryVerdict(history, baseGpu)).toBe("drop");
  });
});

describe("browserStorage", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test("uses localStorage when it works", () => {
    const storage = createMemoryStorage();
    vi.stubGlobal("localStorage", storage);
    expect(browserStorage()).toBe(storage);
  });

  test("falls back to memory when localStorage is missing or throws", () => {
    vi.stubGlobal("localStorage", undefined);
    const fallback = browserStorage();
    fallback.setItem("k", "v");
    expect(fallback.getItem("k")).toBe("v");
  });
});

import { describe, expect, test, vi } from "vitest";
import { HISTORY_KEY_PREFIX, attemptKey, emptyHistory, memoryVerdict } from "@/lib/model/plan-history";
import { createMemoryStorage, type KeyValueStorage } from "@/lib/storage";
import { PlanHistory, resetHistory } from "@/lib/model/plan-history-store";

import { baseGpu, baseWasm } from "./plan-fixtures";
describe("PlanHistory", () => {
  const fingerprint = "mem=4;gpu=none;cores=4;os=android;mobile=1";

  test("persists outcomes under a per-device key", () => {
    const map = new Map<string, string>();
    const history = new PlanHistory(createMemoryStorage(map), fingerprint, { now: () => 50 });
    history.record(baseWasm, "memory");
    expect(history.storageKey).toBe(HISTORY_KEY_PREFIX + fingerprint);
    expect([...map.keys()]).toEqual([HISTORY_KEY_PREFIX + fingerprint]);
    const again = new PlanHistory(createMemoryStorage(map), fingerprint);
    expect(again.snapshot.attempts[attemptKey(baseWasm)]).toMatchObject({ memoryFailures: 1, lastAt: 50 });
    expect(new PlanHistory(createMemoryStorage(map), "other-device").snapshot).toEqual(emptyHistory());
  });

  test("a page killed while loading is found on the next start", () => {
    const map = new Map<string, string>();
    const first = new PlanHistory(createMemoryStorage(map), fingerprint, { now: () => 10 });
    first.beginLoad(baseWasm);
    // …the tab dies here; a new page opens the same storage.
    const second = new PlanHistory(createMemoryStorage(map), fingerprint, { now: () => 20 });
    expect(second.interrupted).toEqual(baseWasm);
    expect(second.snapshot.loading).toBeNull();
    expect(memoryVerdict(second.snapshot, baseWasm)).toBe("demote");
    // The recovery was saved: a third start does not count it again.
    const third = new PlanHistory(createMemoryStorage(map), fingerprint);
    expect(third.interrupted).toBeUndefined();
    expect(third.snapshot.attempts[attemptKey(baseWasm)]?.memoryFailures).toBe(1);
  });

  test("a load that finishes clears the marker and records the outcome", () => {
    const map = new Map<string, string>();
    const history = new PlanHistory(createMemoryStorage(map), fingerprint, { now: () => 10 });
    history.beginLoad(baseWasm);
    expect(history.snapshot.loading).toEqual({ attempt: attemptKey(baseWasm), since: 10 });
    history.finishLoad(baseWasm, "success");
    expect(history.snapshot.loading).toBeNull();
    expect(new PlanHistory(createMemoryStorage(map), fingerprint).interrupted).toBeUndefined();
    expect(history.snapshot.attempts[attemptKey(baseWasm)]?.successes).toBe(1);
  });

  test("reset forgets everything", () => {
    const map = new Map<string, string>();
    const history = new PlanHistory(createMemoryStorage(map), fingerprint);
    history.record(baseWasm, "memory");
    history.reset();
    expect(history.snapshot).toEqual(emptyHistory());
    expect(map.size).toBe(0);
  });

  test("resetHistory removes one device's entry", () => {
    const map = new Map<string, string>([[HISTORY_KEY_PREFIX + "a", "{}"], [HISTORY_KEY_PREFIX + "b", "{}"]]);
    resetHistory(createMemoryStorage(map), "a");
    expect([...map.keys()]).toEqual([HISTORY_KEY_PREFIX + "b"]);
  });

  test("storage that throws never breaks a transcription", () => {
    vi.stubEnv("LOG_LEVEL", "silent");
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    const history = new PlanHistory(broken, fingerprint);
    expect(() => {
      history.beginLoad(baseGpu);
      history.finishLoad(baseGpu, "memory");
      history.reset();
    }).not.toThrow();
    expect(history.snapshot).toEqual(emptyHistory());
    vi.unstubAllEnvs();
  });
});

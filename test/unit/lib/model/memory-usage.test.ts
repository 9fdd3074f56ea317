import { afterEach, describe, expect, test, vi } from "vitest";
import { readMemoryUsage } from "@/lib/model/memory-usage";

describe("readMemoryUsage", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test("performance.memory (Chromium)", async () => {
    expect(await readMemoryUsage({ scope: { performance: { memory: { usedJSHeapSize: 12_345_678 } } } })).toBe(12_345_678);
  });

  test("precise: measureUserAgentSpecificMemory when cross-origin isolated", async () => {
    const performance = { memory: { usedJSHeapSize: 1 }, measureUserAgentSpecificMemory: () => Promise.resolve({ bytes: 987_654_321, breakdown: [] }) };
    expect(await readMemoryUsage({ precise: true, scope: { crossOriginIsolated: true, performance } })).toBe(987_654_321);
    expect(await readMemoryUsage({ precise: true, scope: { crossOriginIsolated: false, performance } })).toBe(1);
    expect(await readMemoryUsage({ scope: { crossOriginIsolated: true, performance } })).toBe(1);
  });

  test("precise measurement that hangs or throws falls back to the cheap reading", async () => {
    const hangs = { memory: { usedJSHeapSize: 2 }, measureUserAgentSpecificMemory: () => new Promise<unknown>(() => undefined) };
    expect(await readMemoryUsage({ precise: true, timeoutMs: 10, scope: { crossOriginIsolated: true, performance: hangs } })).toBe(2);
    const throws = { measureUserAgentSpecificMemory: () => Promise.reject(new DOMException("no", "SecurityError")) };
    expect(await readMemoryUsage({ precise: true, scope: { crossOriginIsolated: true, performance: throws } })).toBeUndefined();
  });

  test("Firefox and Safari tell nothing", async () => {
    expect(await readMemoryUsage({ scope: { performance: { now: () => 1 } } })).toBeUndefined();
    expect(await readMemoryUsage({ scope: {} })).toBeUndefined();
  });

  test("defaults to globalThis", async () => {
    vi.stubGlobal("performance", { memory: { usedJSHeapSize: 77 } });
    expect(await readMemoryUsage()).toBe(77);
  });
});

// The benchmark's /proc readings: each process's RSS split into anonymous, file-backed and shared
// memory (the three add up to the RSS), its largest mappings, and where in a run a moment (the
// peak) fell.
import { describe, expect, it } from "vitest";
import { largestRegions, processTree, runPhase } from "@/scripts/bench/proc-memory";

describe("proc-memory", () => {
  it("splits a process's RSS into anonymous, file-backed and shared memory", () => {
    const self = processTree(process.pid).find((proc) => proc.pid === process.pid);
    expect(self).toBeDefined();
    if (self === undefined) return;
    const { anon, file, shmem } = self.parts;
    expect(anon).toBeGreaterThan(0);
    expect(file).toBeGreaterThan(0);
    // Read from one status file, so the parts sum to its VmRSS (all in whole kB).
    expect(anon + file + shmem).toBe(self.rss);
  });

  it("places a moment in the load, a window, or after the last window", () => {
    expect(runPhase(90, 100, [200, 300])).toBe("loading");
    expect(runPhase(100, 100, [200, 300])).toBe("window 1 of 2");
    expect(runPhase(250, 100, [200, 300])).toBe("window 2 of 2");
    expect(runPhase(301, 100, [200, 300])).toBe("after the last window");
  });

  it("lists a process's largest mappings, most resident first", () => {
    // A buffer this test holds, touched page by page, so it is resident.
    const held = new Uint8Array(64 * 2 ** 20).fill(1);
    const regions = largestRegions([process.pid], 5);
    expect(regions.length).toBe(5);
    for (let i = 1; i < regions.length; i += 1) expect(regions[i - 1]?.rss ?? 0).toBeGreaterThanOrEqual(regions[i]?.rss ?? 0);
    for (const region of regions) expect(region.rss).toBeLessThanOrEqual(region.size);
    const self = processTree(process.pid).find((proc) => proc.pid === process.pid);
    expect(regions.reduce((total, region) => total + region.rss, 0)).toBeLessThanOrEqual(self?.rss ?? 0);
    expect(regions[0]?.rss ?? 0).toBeGreaterThanOrEqual(held.length);
    expect(regions[0]?.name).toBe("");
    expect(largestRegions([2 ** 30])).toEqual([]);
  });
});

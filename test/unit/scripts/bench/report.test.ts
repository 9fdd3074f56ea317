// buildRows: default-path ("(Hub)") rows are compared with their self-hosted slimmed twin on CPU
// time (goal ≤ 1.10) and with the matching Node row for browser/native; other rows are unchanged.
import { describe, expect, it } from "vitest";
import { buildRows, textTable, type RunSample, type Runtime, type Series } from "../../../../scripts/bench/report";

const sample = (cpuMs: number, transcribeMs = cpuMs): RunSample => ({ loadMs: 500, transcribeMs, transcribeCpuMs: cpuMs, peakBytes: 300 * 2 ** 20, idleBytes: 100 * 2 ** 20, windows: 1, words: 80 });
const series = (runtime: Runtime, cpuMs: number, transcribeMs?: number): Series => ({ model: "whisper-tiny", runtime, audioSeconds: 30, runs: [sample(cpuMs, transcribeMs)] });

describe("buildRows with default-path rows", () => {
  const rows = buildRows([series("browser WASM", 4000), series("browser WASM (Hub)", 4300), series("node CPU", 2000), series("node CPU (Hub)", 2400, 2000)], 50 * 2 ** 20);
  const row = (runtime: Runtime) => rows.find((item) => item.runtime === runtime);

  it("gives a (Hub) row its CPU time over the slimmed row's, as a goal", () => {
    expect(row("browser WASM (Hub)")?.vsSlimmed).toBeCloseTo(1.075);
    expect(row("browser WASM (Hub)")?.goals).toContainEqual({ goal: "CPU vs slimmed", target: "≤ 1.1", value: "1.07", met: true });
    expect(row("node CPU (Hub)")?.goals).toEqual([{ goal: "CPU vs slimmed", target: "≤ 1.1", value: "1.20", met: false }]);
    expect(row("browser WASM")?.vsSlimmed).toBeNull();
    expect(row("node CPU")?.goals).toEqual([]);
  });

  it("takes a (Hub) browser row's ratio against the (Hub) Node row", () => {
    expect(row("browser WASM (Hub)")?.cpuRatio).toBeCloseTo(4300 / 2400);
    expect(row("browser WASM")?.cpuRatio).toBeCloseTo(2);
    expect(row("browser WASM (Hub)")?.goals.map((goal) => goal.goal)).toEqual(["RTF", "CPU vs slimmed", "browser/native", "peak above empty page"]);
  });

  it("prints the column, and the missed goal", () => {
    const table = textTable(rows);
    expect(table.split("\n")[0]).toContain("CPU vs slimmed");
    expect(table).toContain("MISSED: CPU vs slimmed 1.20 (≤ 1.1)");
  });
});

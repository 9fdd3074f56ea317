/**
 * The benchmark's lanes: one way of running a model (browser or Node, self-hosted slimmed files or
 * the default path from a stand-in Hub), each behind one interface so scripts/bench.ts measures
 * them all the same way, alternating, in the same run. A lane's warm-up is its first visit: the
 * browser lanes start from an empty profile, the Node Hub lane from an empty file cache.
 */
import { rmSync } from "node:fs";
import { lengthLabel } from "./audio";
import type { BenchBrowser, BrowserRunResult } from "./browser-bench";
import type { BenchModel } from "./models";
import { nodeRun, type NodeModels } from "./node-bench";
import type { MemoryRegion, RssParts } from "./proc-memory";
import type { RunSample, Runtime } from "./report";

/** One run of a lane: the sample for the table, the raw numbers for the JSON, a line for the log. */
export interface LaneResult {
  readonly sample: RunSample;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly line: string;
}

/** One way of running a model. */
export interface Lane {
  readonly runtime: Runtime;
  /** The first run, not counted: fills the lane's cache (and so measures the first visit). */
  warmUp(model: BenchModel, audioPath: string, seconds: number): Promise<LaneResult>;
  run(model: BenchModel, audioPath: string, seconds: number): Promise<LaneResult>;
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const parts = (rss: RssParts): string => `${mb(rss.anon)} / ${mb(rss.file)} / ${mb(rss.shmem)}`;
const region = (r: MemoryRegion): string => `${mb(r.rss)} MB ${r.name === "" ? "anon" : (r.name.split("/").pop() ?? r.name)} ${r.perms} (${(r.size / 2 ** 20).toFixed(1)} mapped)`;
const s = (ms: number, digits = 1): string => (ms / 1000).toFixed(digits);

/** A browser lane over `browser` (its own profile and app server). */
export function browserLane(runtime: Runtime, browser: BenchBrowser): Lane {
  const once = async (model: BenchModel, audioPath: string, seconds: number): Promise<LaneResult> => {
    const result: BrowserRunResult = await browser.run(model, "wasm", audioPath, seconds);
    return {
      sample: { loadMs: result.loadMs, transcribeMs: result.transcribeMs, transcribeCpuMs: result.transcribeCpuMs, peakBytes: result.rendererPeak, idleBytes: result.appIdle, windows: result.windows, words: result.words },
      raw: { ...result },
      line:
        `${model} ${runtime} ${lengthLabel(seconds)}: load ${s(result.loadMs, 2)} s, transcribe ${s(result.transcribeMs)} s (CPU ${s(result.transcribeCpuMs)} s), ${result.windows} windows, ` +
        `renderer RSS ${mb(result.appIdle)} idle → ${mb(result.rssAtLoaded)} loaded → ${result.rssAtWindows.map(mb).join(", ")} after each window, peak ${mb(result.rendererPeak)} MB in ${result.peakPhase} — ${result.status}; ` +
        `RSS anon / file / shmem: idle ${parts(result.appIdleParts)}, peak ${parts(result.rendererPeakParts)} MB; largest mappings near the peak: ${result.peakRegions.map(region).join(", ")}`,
    };
  };
  return { runtime, warmUp: once, run: once };
}

/**
 * A Node lane: each run a fresh process loading from `models`; `name` is what it loads (a folder
 * name, or a Hub repo). A Hub lane's file cache is emptied before its warm-up.
 */
export function nodeLane(runtime: Runtime, runner: string, models: NodeModels, name: (model: BenchModel) => string): Lane {
  const once = async (model: BenchModel, audioPath: string, seconds: number): Promise<LaneResult> => {
    const result = await nodeRun(runner, models, name(model), audioPath, 600_000 + seconds * 2000);
    return {
      sample: { loadMs: result.loadMs, transcribeMs: result.transcribeMs, transcribeCpuMs: result.transcribeCpuMs, peakBytes: result.peakRss, idleBytes: result.rssBeforeLoad, windows: result.windows, words: result.words },
      raw: { ...result },
      line: `${model} ${runtime} ${lengthLabel(seconds)}: load ${s(result.loadMs, 2)} s, transcribe ${s(result.transcribeMs)} s (CPU ${s(result.transcribeCpuMs)} s), ${result.windows} windows, ${result.streamedPieces} tokens, peak RSS ${mb(result.peakRss)} MB`,
    };
  };
  return {
    runtime,
    warmUp: (model, audioPath, seconds) => {
      if ("cacheDir" in models) rmSync(models.cacheDir, { recursive: true, force: true });
      return once(model, audioPath, seconds);
    },
    run: once,
  };
}

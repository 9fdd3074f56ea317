// `npm run bench`: how fast and how big Whisper tiny and base are in the browser (WASM q8, the
// production build, cross-origin isolated, the app's own thread count) against the same models and
// the same windowing in Node on onnxruntime-node, the native reference. Not part of `npm test`.
//
//  1. Makes random-weight models with the real dimensions of whisper-tiny and whisper-base (each
//     30 s window yields 100 tokens) into .cache/bench-models/, unless already there (~8 min each).
//  2. Makes 30 s, 2 min and 10 min of speech from test/fixtures/audio/speech-8k.wav.
//  3. Builds the app into .next-bench and serves it with WHISPER_MODELS_DIR=.cache/bench-models.
//  4. Per model, one warm-up run fills the browser's model cache; then each measured run starts
//     Chromium afresh (model loaded from the warm Cache API) and picks the file in the UI, and a
//     fresh Node process does the same job; browser and Node runs alternate so load from other
//     work on the machine falls on both.
//  5. Prints one table of medians with each goal met or missed, and writes it as Markdown and JSON
//     to bench-results/.
//
//   npm run bench -- [--quick] [--runs 3] [--lengths 30,120,600] [--models tiny,base]
//                    [--runtimes browser,node] [--skip-build] [--port 3610] [--max-minutes 90]
//                    [--whole-file]
//
// --whole-file decodes each file whole, as before streaming (lib/audio/source-stats.ts' test hook:
// build with NEXT_PUBLIC_TEST_HOOKS=1 npm run bench -- ..., or --skip-build on such a build).
// --quick is one run of 30 s and 2 min. Missed goals are reported, not an error: the exit status is
// 0 when the benchmark ran, 2 when it could not.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildApp, startApp, type AppServer } from "./app-server";
import { benchAudio, lengthLabel } from "./bench/audio";
import { BenchBrowser, type BrowserFacts, type BrowserRunResult } from "./bench/browser-bench";
import { ensureModel, TOKENS_PER_WINDOW, type BenchModel } from "./bench/models";
import { bundleNodeRunner, nodeRun } from "./bench/node-bench";
import { buildRows, GOALS, markdownReport, median, textTable, type RunSample, type Runtime, type Series } from "./bench/report";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MAX_RUNS = 5;

function say(message: string): void {
  console.info(`[bench] ${message}`);
}

function fail(message: string): never {
  console.error(`[bench] ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    lengths: { type: "string" },
    models: { type: "string", default: "tiny,base" },
    runtimes: { type: "string", default: "browser,node" },
    "skip-build": { type: "boolean", default: false },
    port: { type: "string", default: process.env.BENCH_PORT ?? "3610" },
    "dist-dir": { type: "string", default: ".next-bench" },
    "models-dir": { type: "string", default: join(ROOT, ".cache", "bench-models") },
    out: { type: "string", default: join(ROOT, "bench-results") },
    "max-minutes": { type: "string", default: "90" },
    "whole-file": { type: "boolean", default: false },
  },
});

const runs = Number(values.runs ?? (values.quick ? "1" : "3"));
if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) fail(`--runs must be 1..${MAX_RUNS}, got "${values.runs ?? ""}"`);
const lengths = (values.lengths ?? (values.quick ? "30,120" : "30,120,600")).split(",").map(Number);
if (lengths.some((seconds) => !Number.isInteger(seconds) || seconds < 5 || seconds > 3600)) fail(`--lengths are whole seconds, 5..3600: "${values.lengths ?? ""}"`);
lengths.sort((a, b) => a - b);
const models: BenchModel[] = values.models.split(",").map((name) => {
  const id = name.trim().startsWith("whisper-") ? name.trim() : `whisper-${name.trim()}`;
  if (id !== "whisper-tiny" && id !== "whisper-base") fail(`--models takes tiny and/or base, got "${name}"`);
  return id;
});
const runtimes = new Set(values.runtimes.split(",").map((name) => name.trim()));
for (const name of runtimes) if (name !== "browser" && name !== "node") fail(`--runtimes takes browser and/or node, got "${name}"`);
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
const maxMinutes = Number(values["max-minutes"]);
if (!(maxMinutes > 0)) fail(`--max-minutes must be a positive number, got "${values["max-minutes"]}"`);
const modelsDir = resolve(values["models-dir"]);
const outDir = resolve(values.out);
const workDir = join(ROOT, ".cache", "bench");

const startedAt = Date.now();
/** Each model gets an equal share of --max-minutes; the first run of every row always happens. */
const modelBudgetMs = (maxMinutes * 60_000) / models.length;

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

function toSample(result: BrowserRunResult): RunSample {
  return { loadMs: result.loadMs, transcribeMs: result.transcribeMs, transcribeCpuMs: result.transcribeCpuMs, peakBytes: result.rendererPeak, idleBytes: result.appIdle, windows: result.windows, words: result.words };
}

async function main(): Promise<number> {
  const load0 = loadavg();
  for (const model of models) ensureModel(ROOT, modelsDir, model, say);
  const audio = new Map(lengths.map((seconds) => [seconds, benchAudio(ROOT, join(workDir, "audio"), seconds)]));
  const warmupAudio = audio.get(lengths[0] ?? 30) ?? benchAudio(ROOT, join(workDir, "audio"), 30);
  const runner = join(workDir, "node-run.mjs");
  if (runtimes.has("node")) bundleNodeRunner(ROOT, runner);

  const series = new Map<string, { model: BenchModel; runtime: Runtime; audioSeconds: number; runs: RunSample[]; errors: string[]; note?: string }>();
  const seriesFor = (model: BenchModel, runtime: Runtime, seconds: number) => {
    const key = `${model}|${runtime}|${seconds}`;
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { model, runtime, audioSeconds: seconds, runs: [], errors: [] };
      series.set(key, entry);
    }
    return entry;
  };
  const raw: unknown[] = [];
  const firstLoads: Record<string, number> = {};
  let facts: BrowserFacts | null = null;
  let emptyPage: number | null = null;
  const emptyPageSamples: number[] = [];
  let browser: BenchBrowser | null = null;
  let server: AppServer | null = null;
  const skipped: string[] = [];

  try {
    if (runtimes.has("browser")) {
      if (!values["skip-build"]) buildApp(ROOT, values["dist-dir"], say);
      server = await startApp(ROOT, values["dist-dir"], modelsDir, port);
      say(`app: ${server.url} (pid ${server.pid}, ${values["dist-dir"]}, WHISPER_MODELS_DIR=${modelsDir})`);
      const profile = join(workDir, "chromium-profile");
      rmSync(profile, { recursive: true, force: true });
      browser = new BenchBrowser(profile, server.url, values["whole-file"]);
      facts = await browser.facts();
      say(`browser: crossOriginIsolated=${String(facts.crossOriginIsolated)}, hardwareConcurrency=${facts.hardwareConcurrency}, WebGPU: ${facts.webgpu.found ? "found" : "none"} (${facts.webgpu.detail})`);
      for (let i = 0; i < 3; i += 1) emptyPageSamples.push(await browser.emptyPage());
      emptyPage = median(emptyPageSamples);
      say(`empty page (about:blank): renderer RSS ${(emptyPage / 2 ** 20).toFixed(0)} MB`);
    }

    for (const model of models) {
      const modelStarted = Date.now();
      /** How long the first run of each length took (browser and Node together). */
      const firstRunMs = new Map<number, number>();
      if (browser !== null) {
        say(`${model}: browser warm-up (fills the model cache; not counted)`);
        const warm = await browser.run(model, "wasm", warmupAudio, lengths[0] ?? 30);
        firstLoads[model] = warm.loadMs;
        say(`${model}: first load (from the server into the Cache API) ${(warm.loadMs / 1000).toFixed(1)} s`);
      }
      if (runtimes.has("node")) {
        say(`${model}: node warm-up (not counted)`);
        await nodeRun(runner, modelsDir, model, warmupAudio, 600_000);
      }
      for (let run = 1; run <= runs; run += 1) {
        for (const seconds of lengths) {
          const path = audio.get(seconds);
          if (path === undefined) continue;
          const expected = firstRunMs.get(seconds) ?? 0;
          if (run > 1 && Date.now() - modelStarted + expected > modelBudgetMs) {
            skipped.push(`${model} ${lengthLabel(seconds)} run ${run}`);
            continue;
          }
          const runStarted = Date.now();
          if (browser !== null) {
            const entry = seriesFor(model, "browser WASM", seconds);
            try {
              const result = await browser.run(model, "wasm", path, seconds);
              entry.runs.push(toSample(result));
              raw.push({ model, runtime: "browser WASM", audioSeconds: seconds, run, ...result });
              say(
                `${model} browser ${lengthLabel(seconds)} run ${run}: load ${(result.loadMs / 1000).toFixed(2)} s, transcribe ${(result.transcribeMs / 1000).toFixed(1)} s (CPU ${(result.transcribeCpuMs / 1000).toFixed(1)} s), ` +
                  `${result.windows} windows, renderer RSS ${mb(result.appIdle)} idle → ${mb(result.rssAtLoaded)} loaded → ${result.rssAtWindows.map(mb).join(", ")} after each window, peak ${mb(result.rendererPeak)} MB — ${result.status}`,
              );
            } catch (error) {
              entry.errors.push(String(error));
              say(`${model} browser ${lengthLabel(seconds)} run ${run} failed: ${String(error)}`);
            }
          }
          if (runtimes.has("node")) {
            const entry = seriesFor(model, "node CPU", seconds);
            try {
              const result = await nodeRun(runner, modelsDir, model, path, 600_000 + seconds * 2000);
              entry.runs.push({ loadMs: result.loadMs, transcribeMs: result.transcribeMs, transcribeCpuMs: result.transcribeCpuMs, peakBytes: result.peakRss, idleBytes: result.rssBeforeLoad, windows: result.windows, words: result.words });
              raw.push({ model, runtime: "node CPU", run, ...result });
              say(
                `${model} node ${lengthLabel(seconds)} run ${run}: load ${(result.loadMs / 1000).toFixed(2)} s, transcribe ${(result.transcribeMs / 1000).toFixed(1)} s (CPU ${(result.transcribeCpuMs / 1000).toFixed(1)} s), ` +
                  `${result.windows} windows, ${result.streamedPieces} tokens, peak RSS ${(result.peakRss / 2 ** 20).toFixed(0)} MB`,
              );
            } catch (error) {
              entry.errors.push(String(error));
              say(`${model} node ${lengthLabel(seconds)} run ${run} failed: ${String(error)}`);
            }
          }
          if (run === 1) firstRunMs.set(seconds, Date.now() - runStarted);
        }
      }
      if (browser !== null && facts !== null) {
        for (const seconds of lengths) {
          const entry = seriesFor(model, "browser WebGPU", seconds);
          if (!facts.webgpu.found) {
            entry.note = `not measured: no WebGPU adapter (${facts.webgpu.detail})`;
            continue;
          }
          const path = audio.get(seconds);
          for (let run = 1; run <= runs && path !== undefined && !(run > 1 && Date.now() - modelStarted > modelBudgetMs); run += 1) {
            try {
              const result = await browser.run(model, "webgpu", path, seconds);
              entry.runs.push(toSample(result));
              raw.push({ model, runtime: "browser WebGPU", audioSeconds: seconds, run, ...result });
            } catch (error) {
              entry.errors.push(String(error));
              entry.note = `failed: ${String(error).split("\n")[0] ?? ""}`;
              break;
            }
          }
        }
      }
    }
  } finally {
    await server?.stop();
  }

  const allSeries: Series[] = [...series.values()].map((entry) => ({
    model: entry.model,
    runtime: entry.runtime,
    audioSeconds: entry.audioSeconds,
    runs: entry.runs,
    ...(entry.note !== undefined ? { note: entry.note } : entry.errors.length > 0 && entry.runs.length === 0 ? { note: `failed: ${entry.errors[0]?.split("\n")[0] ?? ""}` } : {}),
  }));
  const order: Runtime[] = ["browser WASM", "node CPU", "browser WebGPU"];
  allSeries.sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model) || order.indexOf(a.runtime) - order.indexOf(b.runtime) || a.audioSeconds - b.audioSeconds);
  const rows = buildRows(allSeries, emptyPage);

  const cpu = cpus();
  const context: Record<string, string> = {
    date: new Date(startedAt).toISOString(),
    machine: `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; load average ${load0.map((x) => x.toFixed(1)).join(" ")} at start, ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} at end`,
    models: `random weights, real dimensions (tiny: d_model 384, 4+4 layers, 6 heads; base: 512, 6+6, 8 heads; vocabulary 51865), ${TOKENS_PER_WINDOW} tokens per 30 s window, q8, language en, timestamps on; ${modelsDir}`,
    browser:
      facts === null
        ? "not run"
        : `${values["whole-file"] ? "files decoded WHOLE (--whole-file, the path before streaming); " : "files decoded as a stream; "}${facts.userAgent}; crossOriginIsolated=${String(facts.crossOriginIsolated)}; hardwareConcurrency=${facts.hardwareConcurrency} (the app's WASM threads: min(4, cores)); WebGPU: ${facts.webgpu.found ? facts.webgpu.detail : `none (${facts.webgpu.detail})`}`,
    node: `${process.version}, transformers.js on onnxruntime-node (device cpu, default threads), lib/transcription/long-transcription.ts windowing`,
    runs: `${runs} measured run(s) per row, medians; one uncounted warm-up per model and runtime${skipped.length > 0 ? `; over the ${maxMinutes}-minute budget (${(modelBudgetMs / 60_000).toFixed(0)} min per model), skipped: ${skipped.join(", ")}` : ""}`,
    "load s": "model load from a warm cache: browser = the worker's load (Cache API → ONNX Runtime sessions) in a freshly started Chromium; node = pipeline() in a fresh process (files in the OS page cache)",
    "transcribe s": "browser = page clock from the worker's `loaded` message to the final status line; node = transcribeLong() wall time",
    "CPU s": "CPU time (user + system, all threads) over the same span: browser = the renderer processes (/proc stat), node = process.cpuUsage(); less affected by other work on the machine than wall time. CPU ratio = browser CPU s / node CPU s",
    "peak MB": "MB = 2^20 bytes. Browser = highest sum of RSS over Chromium's renderer processes (the page and its worker), sampled every 100 ms from /proc; node = the process's peak RSS (getrusage)",
    "above base MB": `browser = peak minus an empty page (about:blank renderer RSS, ${emptyPage === null ? "—" : (emptyPage / 2 ** 20).toFixed(0)} MB); node = peak minus the process before the model was loaded`,
    goals: `RTF tiny ≤ ${GOALS.rtf["whisper-tiny"]}, base ≤ ${GOALS.rtf["whisper-base"]}; browser/native ≤ ${GOALS.ratio}; peak above an empty page tiny ≤ ${GOALS.aboveEmptyMb["whisper-tiny"]} MB, base ≤ ${GOALS.aboveEmptyMb["whisper-base"]} MB; growth with audio length: browser ≤ ${GOALS.browserGrowthMb} MB over the shortest row (files decoded as a stream), node ≤ the decoded audio (16 kHz Float32 + the 16-bit WAV, ${GOALS.growthBytesPerSecond / 1000} kB/s) + ${GOALS.growthSlackMb} MB`,
    ...(Object.keys(firstLoads).length > 0
      ? {
          "first load": Object.entries(firstLoads)
            .map(([model, ms]) => `${model} ${(ms / 1000).toFixed(1)} s`)
            .join(", "),
        }
      : {}),
  };
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, "-");
  const markdown = markdownReport(rows, context);
  const json = `${JSON.stringify({ context, emptyPageBytes: emptyPage, emptyPageSamples, facts, rows, runs: raw, consoleErrors: browser?.consoleErrors ?? [] }, null, 2)}\n`;
  for (const name of [`bench-${stamp}`, "latest"]) {
    writeFileSync(join(outDir, `${name}.md`), markdown);
    writeFileSync(join(outDir, `${name}.json`), json);
  }
  console.info(`\n${textTable(rows)}\n`);
  if (emptyPage !== null) say(`empty page (about:blank) renderer RSS: ${(emptyPage / 2 ** 20).toFixed(0)} MB; "above base" for browser rows is above it`);
  if ((browser?.consoleErrors.length ?? 0) > 0) say(`console errors in the page:\n  ${browser?.consoleErrors.join("\n  ") ?? ""}`);
  say(`written: ${join(outDir, `bench-${stamp}.md`)} and .json (also latest.md / latest.json); ${((Date.now() - startedAt) / 60_000).toFixed(1)} min`);
  return 0;
}

if (!existsSync(join(ROOT, "test", "fixtures", "audio", "speech-8k.wav"))) fail("test/fixtures/audio/speech-8k.wav is missing");
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);

// `npm run bench`: how fast and how big Whisper tiny and base are in the browser (WASM q8, the
// production build, cross-origin isolated, the app's own thread count) against the same models and
// the same windowing in Node on onnxruntime-node, the native reference. Not part of `npm test`.
//
//  1. Makes random-weight models with the real dimensions of whisper-tiny and whisper-base (each
//     30 s window yields 100 tokens) into .cache/bench-models/, unless already there (~8 min each).
//  2. Makes 30 s, 2 min and 10 min of speech from test/fixtures/audio/speech-8k.wav.
//  3. Builds the app into .next-bench and serves it with WHISPER_MODELS_DIR=.cache/bench-models;
//     for the default path (scripts/bench/hub-path.ts) writes the same models in the Hub's unslimmed
//     layout into .cache/bench-models-hub/, serves them from a local stand-in Hub and a second app
//     server with HF_ENDPOINT pointing at it (port + 1), so its files are slimmed as they are fetched.
//  4. Per model and lane (scripts/bench/lanes.ts: browser and Node, self-hosted and default path),
//     one warm-up run is the first visit and fills the lane's cache; then each measured run starts
//     Chromium afresh (model loaded from the warm Cache API) and picks the file in the UI, and a
//     fresh Node process does the same job; the lanes alternate so load from other work on the
//     machine falls on all of them.
//  5. Prints one table of medians with each goal met or missed, and writes it as Markdown and JSON
//     to bench-results/.
//
//   npm run bench -- [--quick] [--runs 3] [--lengths 30,120,600] [--models tiny,base]
//                    [--runtimes browser,node,webgpu] [--paths self-hosted,hub] [--skip-build]
//                    [--port 3610] [--max-minutes 90]
//                    [--chromium PATH] [--webgpu-flags "FLAG …"] [--allow-fallback-adapter] [--whole-file]
//
// --whole-file decodes each file whole, as before streaming (lib/audio/source-stats.ts' test hook:
// build with NEXT_PUBLIC_TEST_HOOKS=1 npm run bench -- ..., or --skip-build on such a build).
// --quick is one run of 30 s and 2 min. The WebGPU rows run when Chromium (with --enable-unsafe-webgpu
// and --webgpu-flags) finds a GPU adapter; `--runtimes webgpu` (`npm run bench:webgpu`) runs only
// them, on a machine with a GPU (README, Benchmark). A software adapter (SwiftShader) counts only with
// --allow-fallback-adapter, which checks the script, not a GPU. Missed goals are reported, not an error: the exit status is
// 0 when the benchmark ran, 2 when it could not.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildApp, startApp, type AppServer } from "./app-server";
import { benchAudio, lengthLabel } from "./bench/audio";
import { BenchBrowser, type BrowserFacts } from "./bench/browser-bench";
import { firstVisitContext, hubRepo, measureRewrite, serveHub, writeHubLayout, type RewriteCost } from "./bench/hub-path";
import { browserLane, nodeLane, type Lane } from "./bench/lanes";
import { ensureModel, TOKENS_PER_WINDOW, type BenchModel } from "./bench/models";
import { bundleNodeRunner } from "./bench/node-bench";
import type { HubStandIn } from "../test/support/hub-stand-in";
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
    paths: { type: "string", default: "self-hosted,hub" },
    chromium: { type: "string" },
    "webgpu-flags": { type: "string", default: "" },
    "allow-fallback-adapter": { type: "boolean", default: false },
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
for (const name of runtimes) if (name !== "browser" && name !== "node" && name !== "webgpu") fail(`--runtimes takes browser, node and/or webgpu, got "${name}"`);
if (values.chromium !== undefined) process.env.CHROMIUM_PATH = resolve(values.chromium);
const webGpuFlags = values["webgpu-flags"].split(/\s+/).filter((flag) => flag !== "");
const inBrowser = runtimes.has("browser") || runtimes.has("webgpu");
const paths = new Set(values.paths.split(",").map((name) => name.trim()));
for (const name of paths) if (name !== "self-hosted" && name !== "hub") fail(`--paths takes self-hosted and/or hub, got "${name}"`);
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
const maxMinutes = Number(values["max-minutes"]);
if (!(maxMinutes > 0)) fail(`--max-minutes must be a positive number, got "${values["max-minutes"]}"`);
const modelsDir = resolve(values["models-dir"]);
const outDir = resolve(values.out);
const workDir = join(ROOT, ".cache", "bench");
/** The default path's files: the bench models in the Hub's unslimmed layout. */
const hubDir = join(ROOT, ".cache", "bench-models-hub");

const startedAt = Date.now();
/** Each model gets an equal share of --max-minutes; the first run of every row always happens. */
const modelBudgetMs = (maxMinutes * 60_000) / models.length;

async function main(): Promise<number> {
  const load0 = loadavg();
  for (const model of models) ensureModel(ROOT, modelsDir, model, say, runtimes.has("webgpu"));
  const audio = new Map(lengths.map((seconds) => [seconds, benchAudio(ROOT, join(workDir, "audio"), seconds)]));
  const warmupAudio = audio.get(lengths[0] ?? 30) ?? benchAudio(ROOT, join(workDir, "audio"), 30);
  const runner = join(workDir, "node-run.mjs");
  if (runtimes.has("node")) bundleNodeRunner(ROOT, runner);
  const rewrites: RewriteCost[] = [];
  if (paths.has("hub")) {
    for (const model of models) {
      writeHubLayout(modelsDir, hubDir, model);
      rewrites.push(measureRewrite(hubDir, model));
    }
  }

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
  const firstVisits: { model: BenchModel; runtime: Runtime; loadMs: number; peakBytes: number }[] = [];
  let facts: BrowserFacts | null = null;
  let emptyPage: number | null = null;
  const emptyPageSamples: number[] = [];
  let browser: BenchBrowser | null = null;
  const servers: AppServer[] = [];
  let hub: HubStandIn | null = null;
  const skipped: string[] = [];
  const lanes: Lane[] = [];

  try {
    if (paths.has("hub")) {
      hub = await serveHub(hubDir, models);
      say(`stand-in Hub: ${hub.url} (the default path's files, unslimmed, from ${hubDir})`);
    }
    if (inBrowser) {
      if (!values["skip-build"]) buildApp(ROOT, values["dist-dir"], say);
      const profile = (name: string): string => {
        const dir = join(workDir, name);
        rmSync(dir, { recursive: true, force: true });
        return dir;
      };
      if (paths.has("self-hosted")) {
        const server = await startApp(ROOT, values["dist-dir"], modelsDir, port);
        servers.push(server);
        say(`app: ${server.url} (pid ${server.pid}, ${values["dist-dir"]}, WHISPER_MODELS_DIR=${modelsDir})`);
        browser = new BenchBrowser(profile("chromium-profile"), server.url, webGpuFlags, values["allow-fallback-adapter"], values["whole-file"]);
        if (runtimes.has("browser")) lanes.push(browserLane("browser WASM", browser));
      }
      if (hub !== null && runtimes.has("browser")) {
        const server = await startApp(ROOT, values["dist-dir"], { hubEndpoint: hub.url }, port + 1);
        servers.push(server);
        say(`app on the default path: ${server.url} (pid ${server.pid}, HF_ENDPOINT=${hub.url})`);
        const hubBrowser = new BenchBrowser(profile("chromium-profile-hub"), server.url, [], false, values["whole-file"]);
        browser ??= hubBrowser;
        lanes.push(browserLane("browser WASM (Hub)", hubBrowser));
      }
      if (browser !== null) {
        facts = await browser.facts();
        say(`browser: crossOriginIsolated=${String(facts.crossOriginIsolated)}, hardwareConcurrency=${facts.hardwareConcurrency}, WebGPU: ${facts.webgpu.found ? "found" : "none"} (${facts.webgpu.detail})`);
        for (let i = 0; i < 3; i += 1) emptyPageSamples.push(await browser.emptyPage());
        emptyPage = median(emptyPageSamples);
        const { anon, file, shmem } = browser.emptyPageParts;
        say(`empty page (about:blank): renderer RSS ${(emptyPage / 2 ** 20).toFixed(0)} MB (anon / file / shmem ${[anon, file, shmem].map((bytes) => (bytes / 2 ** 20).toFixed(0)).join(" / ")} MB)`);
      }
    }
    if (runtimes.has("node")) {
      if (paths.has("self-hosted")) lanes.push(nodeLane("node CPU", runner, { modelsDir }, (model) => model));
      if (hub !== null) lanes.push(nodeLane("node CPU (Hub)", runner, { hub: hub.url, cacheDir: join(workDir, "hf-file-cache") }, hubRepo));
    }

    for (const model of models) {
      const modelStarted = Date.now();
      /** How long the first run of each length took (all lanes together). */
      const firstRunMs = new Map<number, number>();
      for (const lane of lanes) {
        say(`${model}: ${lane.runtime} warm-up, the first visit (fills its cache; not counted)`);
        const warm = await lane.warmUp(model, warmupAudio, lengths[0] ?? 30);
        firstVisits.push({ model, runtime: lane.runtime, loadMs: warm.sample.loadMs, peakBytes: warm.sample.peakBytes });
        say(`  first visit: ${warm.line}`);
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
          for (const lane of lanes) {
            const entry = seriesFor(model, lane.runtime, seconds);
            try {
              const result = await lane.run(model, path, seconds);
              entry.runs.push(result.sample);
              raw.push({ model, runtime: lane.runtime, audioSeconds: seconds, run, ...result.raw });
              say(`run ${run}: ${result.line}`);
            } catch (error) {
              entry.errors.push(String(error));
              say(`${model} ${lane.runtime} ${lengthLabel(seconds)} run ${run} failed: ${String(error)}`);
            }
          }
          if (run === 1) firstRunMs.set(seconds, Date.now() - runStarted);
        }
      }
      if (browser !== null && facts !== null && paths.has("self-hosted")) {
        if (facts.webgpu.found) {
          say(`${model}: WebGPU warm-up (fills the model cache with the WebGPU files; not counted)`);
          await browser.run(model, "webgpu", warmupAudio, lengths[0] ?? 30).catch((error: unknown) => say(`${model}: WebGPU warm-up failed: ${String(error)}`));
        }
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
              entry.runs.push({ loadMs: result.loadMs, transcribeMs: result.transcribeMs, transcribeCpuMs: result.transcribeCpuMs, peakBytes: result.rendererPeak, idleBytes: result.appIdle, windows: result.windows, words: result.words });
              raw.push({ model, runtime: "browser WebGPU", audioSeconds: seconds, run, ...result });
              say(`${model} WebGPU ${lengthLabel(seconds)} run ${run}: load ${(result.loadMs / 1000).toFixed(2)} s, transcribe ${(result.transcribeMs / 1000).toFixed(1)} s, ${result.modelInfo.split(". ")[0] ?? ""} — ${result.status}`);
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
    for (const server of servers) await server.stop();
    await hub?.close();
  }

  const allSeries: Series[] = [...series.values()].map((entry) => ({
    model: entry.model,
    runtime: entry.runtime,
    audioSeconds: entry.audioSeconds,
    runs: entry.runs,
    ...(entry.note !== undefined ? { note: entry.note } : entry.errors.length > 0 && entry.runs.length === 0 ? { note: `failed: ${entry.errors[0]?.split("\n")[0] ?? ""}` } : {}),
  }));
  const order: Runtime[] = ["browser WASM", "browser WASM (Hub)", "node CPU", "node CPU (Hub)", "browser WebGPU"];
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
    ...(facts?.webgpu.found === true ? { webgpu: `Chromium flags --enable-unsafe-webgpu ${webGpuFlags.join(" ")}; adapter ${facts.webgpu.detail}; dtypes fp32 + q4, or fp16 + q4f16 with shader-f16` } : {}),
    node: `${process.version}, transformers.js on onnxruntime-node (device cpu, default threads), lib/transcription/long-transcription.ts windowing`,
    runs: `${runs} measured run(s) per row, medians; one uncounted warm-up per model and runtime${skipped.length > 0 ? `; over the ${maxMinutes}-minute budget (${(modelBudgetMs / 60_000).toFixed(0)} min per model), skipped: ${skipped.join(", ")}` : ""}`,
    "load s": "model load from a warm cache: browser = the worker's load (Cache API → ONNX Runtime sessions) in a freshly started Chromium; node = pipeline() in a fresh process (files in the OS page cache)",
    "transcribe s": "browser = page clock from the worker's `loaded` message to the final status line; node = transcribeLong() wall time",
    "CPU s": "CPU time (user + system, all threads) over the same span: browser = the renderer processes (/proc stat), node = process.cpuUsage(); less affected by other work on the machine than wall time. CPU ratio = browser CPU s / node CPU s",
    "peak MB": "MB = 2^20 bytes. Browser = highest sum of RSS over Chromium's renderer processes (the page and its worker), sampled every 100 ms from /proc; node = the process's peak RSS (getrusage)",
    "above base MB": `browser = peak minus an empty page (about:blank renderer RSS, ${emptyPage === null ? "—" : (emptyPage / 2 ** 20).toFixed(0)} MB); node = peak minus the process before the model was loaded`,
    goals: `RTF tiny ≤ ${GOALS.rtf["whisper-tiny"]}, base ≤ ${GOALS.rtf["whisper-base"]}; browser/native ≤ ${GOALS.ratio}; default path's CPU ≤ ${GOALS.vsSlimmed} × the slimmed row's; peak above an empty page tiny ≤ ${GOALS.aboveEmptyMb["whisper-tiny"]} MB, base ≤ ${GOALS.aboveEmptyMb["whisper-base"]} MB; growth with audio length: browser ≤ ${GOALS.browserGrowthMb} MB over the shortest row (files decoded as a stream), node ≤ the decoded audio (16 kHz Float32 + the 16-bit WAV, ${GOALS.growthBytesPerSecond / 1000} kB/s) + ${GOALS.growthSlackMb} MB`,
    ...firstVisitContext(firstVisits, rewrites),
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

// `npm run bench:whisper-cpp`: where we stand against whisper.cpp, the runtime people would pick
// instead. One table, the same real whisper-base weights and the same clip (jfk.wav, the sample
// shipped with whisper.cpp's source) in every row:
//   browser WASM q8  — the app's production build in the system Chromium, driven through its UI
//                      (scripts/bench/browser-bench.ts; the app's WASM threads: min(4, cores)),
//   node CPU q8      — the same ONNX files on onnxruntime-node (scripts/bench/node-run.ts),
//   whisper.cpp f16 / q8_0 — native whisper-cli built by scripts/whisper-cpp.sh, greedy, with the
//                      browser's thread count,
//   whisper.cpp WASM f16 / q8_0 — whisper.cpp's WebAssembly build (SIMD, pthreads; em++ in
//                      scripts/whisper-cpp.sh) on a cross-origin isolated page of its own in the same
//                      Chromium (scripts/bench/whisper-cpp-wasm.ts), same decoding and threads.
// Time, CPU, peak memory, and WER against the clip's words. Not part of `npm test`.
//
//   scripts/prepare-real-model.py && scripts/whisper-cpp.sh    # once: real weights, whisper.cpp build
//   npm run bench:whisper-cpp -- [--runs 3] [--skip-build] [--port 3620] [--models-dir .cache/models]
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildApp, startApp } from "./app-server";
import { BenchBrowser } from "./bench/browser-bench";
import { bundleNodeRunner, nodeRun } from "./bench/node-bench";
import { median } from "./bench/report";
import { whisperCppRun } from "./bench/whisper-cpp-run";
import { serveWhisperWasm, WASM_FILES, whisperWasmRun } from "./bench/whisper-cpp-wasm";
import { scoreTranscript } from "./eval/score";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** What JFK says in jfk.wav (the reference whisper.cpp's own tests use). */
const JFK_SCRIPT = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";
const MODEL = "whisper-base";

function say(message: string): void {
  console.info(`[bench:whisper-cpp] ${message}`);
}

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "skip-build": { type: "boolean", default: false },
    port: { type: "string", default: process.env.BENCH_PORT ?? "3620" },
    "dist-dir": { type: "string", default: ".next-bench" },
    "models-dir": { type: "string", default: join(ROOT, ".cache", "models") },
    out: { type: "string", default: join(ROOT, "bench-results") },
  },
});

interface Sample {
  readonly loadMs: number;
  readonly transcribeMs: number;
  readonly cpuMs: number;
  readonly peakBytes: number;
  readonly text: string;
}

interface Row {
  readonly runtime: string;
  readonly weights: string;
  readonly samples: Sample[];
  readonly cpuNote: string;
  /** Measured in Chromium: its peak is also given above the empty page. */
  readonly inBrowser: boolean;
  error?: string;
}

const MB = 2 ** 20;

function cellsOf(row: Row, audioSeconds: number, emptyPage: number): string[] {
  const pick = (get: (sample: Sample) => number): number => median(row.samples.map(get));
  if (row.samples.length === 0) return [row.runtime, row.weights, "0", "—", "—", "—", "—", "—", "—", "—", row.error ?? "no runs"];
  const transcribe = pick((sample) => sample.transcribeMs) / 1000;
  const peak = pick((sample) => sample.peakBytes);
  const text = row.samples[0]?.text ?? "";
  const score = scoreTranscript(JFK_SCRIPT, text, "en");
  return [
    row.runtime,
    row.weights,
    String(row.samples.length),
    (pick((sample) => sample.loadMs) / 1000).toFixed(2),
    transcribe.toFixed(2),
    (transcribe / audioSeconds).toFixed(3),
    (pick((sample) => sample.cpuMs) / 1000).toFixed(1),
    (peak / MB).toFixed(0),
    row.inBrowser ? ((peak - emptyPage) / MB).toFixed(0) : "—",
    score.rate.toFixed(1),
    text,
  ];
}

async function main(): Promise<number> {
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 5) throw new Error(`--runs must be 1..5, got "${values.runs}"`);
  const modelsDir = resolve(values["models-dir"]);
  const cppDir = join(ROOT, ".cache", "whisper-cpp");
  const cli = join(cppDir, "build", "bin", "whisper-cli");
  const clip = join(cppDir, "jfk.wav");
  const ggml = [
    ["whisper.cpp native", "ggml f16", join(cppDir, "ggml-base.bin")],
    ["whisper.cpp native", "ggml q8_0", join(cppDir, "ggml-base-q8_0.bin")],
  ] as const;
  const wasmDir = join(cppDir, "wasm");
  for (const path of [cli, clip, ...ggml.map(([, , file]) => file)]) if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/whisper-cpp.sh first`);
  if (!existsSync(join(modelsDir, MODEL, "onnx", "encoder_model_quantized.onnx"))) throw new Error(`${modelsDir}/${MODEL} has no q8 ONNX files: run scripts/prepare-real-model.py first`);
  const audioSeconds = 11;
  const workDir = join(ROOT, ".cache", "bench-whisper-cpp");
  mkdirSync(workDir, { recursive: true });
  const runner = join(workDir, "node-run.mjs");
  bundleNodeRunner(ROOT, runner);
  if (!values["skip-build"]) buildApp(ROOT, values["dist-dir"], say);
  const server = await startApp(ROOT, values["dist-dir"], modelsDir, Number(values.port));
  // The wasm rows say why they are empty when scripts/whisper-cpp.sh could not build the wasm driver.
  const wasmMissing = existsSync(join(wasmDir, WASM_FILES[0])) ? null : `not built: ${join(wasmDir, WASM_FILES[0])} is missing (scripts/whisper-cpp.sh, see .cache/whisper-cpp/wasm.log)`;
  const wasmServer = wasmMissing === null ? await serveWhisperWasm(wasmDir, ggml.map(([, , file]) => file), clip, Number(values.port) + 1) : null;
  const threads = Math.max(1, Math.min(4, cpus().length));
  const rows: Row[] = [
    { runtime: "browser WASM", weights: "ONNX q8", samples: [], cpuNote: "renderer processes", inBrowser: true },
    { runtime: "node CPU", weights: "ONNX q8", samples: [], cpuNote: "process.cpuUsage", inBrowser: false },
    ...ggml.map(([runtime, weights]) => ({ runtime, weights, samples: [], cpuNote: "GNU time, load included", inBrowser: false })),
    ...ggml.map(([, weights]): Row => ({ runtime: "whisper.cpp WASM", weights, samples: [], cpuNote: "renderer processes", inBrowser: true, ...(wasmMissing === null ? {} : { error: wasmMissing }) })),
  ];

  const load0 = loadavg();
  let emptyPage = Number.NaN;
  let userAgent: string;
  try {
    const profile = join(workDir, "chromium-profile");
    rmSync(profile, { recursive: true, force: true });
    const browser = new BenchBrowser(profile, server.url);
    const wasmRun = async (file: string): Promise<Sample> => {
      if (wasmServer === null) throw new Error(wasmMissing ?? "no wasm build");
      const r = await whisperWasmRun(browser, wasmServer.url, basename(file), threads, 600_000);
      return { loadMs: r.loadMs, transcribeMs: r.transcribeMs, cpuMs: r.transcribeCpuMs, peakBytes: r.rendererPeak, text: r.text };
    };
    userAgent = (await browser.facts()).userAgent;
    emptyPage = median([await browser.emptyPage(), await browser.emptyPage(), await browser.emptyPage()]);
    say("warm-up: browser (fills the model cache), node, whisper.cpp (page cache); not counted");
    await browser.run(MODEL, "wasm", clip, audioSeconds);
    await nodeRun(runner, { modelsDir }, MODEL, clip, 600_000);
    for (const [, , file] of ggml) await whisperCppRun(cli, file, clip, threads, 600_000);
    if (wasmServer !== null) {
      for (const [, , file] of ggml) {
        try {
          await wasmRun(file);
        } catch (error) {
          say(`whisper.cpp WASM warm-up with ${basename(file)} failed: ${String(error)}`);
        }
      }
    }
    for (let run = 1; run <= runs; run += 1) {
      const attempts: [Row | undefined, () => Promise<Sample>][] = [
        [rows[0], async () => { const r = await browser.run(MODEL, "wasm", clip, audioSeconds); return { loadMs: r.loadMs, transcribeMs: r.transcribeMs, cpuMs: r.transcribeCpuMs, peakBytes: r.rendererPeak, text: r.text }; }],
        [rows[1], async () => { const r = await nodeRun(runner, { modelsDir }, MODEL, clip, 600_000); return { loadMs: r.loadMs, transcribeMs: r.transcribeMs, cpuMs: r.transcribeCpuMs, peakBytes: r.peakRss, text: r.text }; }],
        ...ggml.map(([, , file], index): [Row | undefined, () => Promise<Sample>] => [rows[2 + index], async () => { const r = await whisperCppRun(cli, file, clip, threads, 600_000); return { loadMs: r.loadMs, transcribeMs: r.transcribeMs, cpuMs: r.cpuMs, peakBytes: r.peakRss, text: r.text }; }]),
        ...(wasmServer === null ? [] : ggml.map(([, , file], index): [Row | undefined, () => Promise<Sample>] => [rows[2 + ggml.length + index], () => wasmRun(file)])),
      ];
      for (const [row, attempt] of attempts) {
        if (row === undefined) continue;
        try {
          const sample = await attempt();
          row.samples.push(sample);
          say(`${row.runtime} ${row.weights} run ${run}: load ${(sample.loadMs / 1000).toFixed(2)} s, transcribe ${(sample.transcribeMs / 1000).toFixed(2)} s, CPU ${(sample.cpuMs / 1000).toFixed(1)} s, peak ${(sample.peakBytes / MB).toFixed(0)} MB — ${sample.text}`);
        } catch (error) {
          row.error = String(error).split("\n")[0];
          say(`${row.runtime} ${row.weights} run ${run} failed: ${String(error)}`);
        }
      }
    }
  } finally {
    await server.stop();
    await wasmServer?.stop();
  }
  const header = ["runtime", "weights", "runs", "load s", "transcribe s", "RTF", "CPU s", "peak MB", "above empty page MB", "WER %", "transcript (run 1)"];
  const body = rows.map((row) => cellsOf(row, audioSeconds, emptyPage));
  const context = [
    `date: ${new Date().toISOString()}; machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}; load average ${load0.map((x) => x.toFixed(1)).join(" ")} at start, ${loadavg().map((x) => x.toFixed(1)).join(" ")} at end`,
    `clip: jfk.wav (11.0 s, 16 kHz, from whisper.cpp's source); WER against "${JFK_SCRIPT}" (scripts/eval/score.ts normalisation)`,
    `weights: the real whisper-base (scripts/prepare-real-model.py); ONNX q8 from ${modelsDir}/${MODEL}; ggml converted from the same state dict with whisper.cpp's models/convert-h5-to-ggml.py, q8_0 by its quantize`,
    `threads: browser min(4, cores) = ${threads} (the app's); whisper.cpp -t ${threads}, greedy (-bs 1 -bo 1 -nf), native and WASM alike; node: onnxruntime-node default`,
    `whisper.cpp WASM: ${wasmMissing ?? "scripts/whisper-cpp-wasm/driver.cpp linked by em++ (Debian emscripten) against whisper.cpp's static libraries, -O3 -msimd128 -pthread, on a COOP/COEP page served from 127.0.0.1 (scripts/bench/whisper-cpp-wasm.ts); a fresh Chromium per run, same flags as the app's rows"}`,
    `browser: ${userAgent}; empty page (about:blank) renderer RSS ${(emptyPage / MB).toFixed(0)} MB`,
    "load s: browser = the worker's load from a warm Cache API; node = pipeline(); whisper.cpp native = its own `load time`; whisper.cpp WASM = page clock from navigation to a loaded model (runtime start, the ggml file fetched from 127.0.0.1 into the wasm FS, whisper_init_from_file). transcribe s: browser = page clock from `loaded` to the final status; node = transcribeLong(); whisper.cpp native = `total time` minus `load time`; whisper.cpp WASM = page clock from the loaded model to the transcript (clip fetch + Web Audio decode + whisper_full)",
    "CPU s: browser and whisper.cpp WASM = the renderer processes over the transcription; node = process.cpuUsage() over the transcription; whisper.cpp native = the whole process (load included). peak MB: browser and whisper.cpp WASM = renderer processes' RSS sum (load included); node and whisper.cpp native = the process's max RSS",
  ];
  const markdown = ["# whisper.cpp against the app: real whisper-base on jfk.wav", "", ...context.map((line) => `- ${line}`), "", `| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...body.map((line) => `| ${line.join(" | ")} |`), ""].join("\n");
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, "whisper-cpp-latest.md"), markdown);
  writeFileSync(join(values.out, "whisper-cpp-latest.json"), `${JSON.stringify({ context, emptyPageBytes: emptyPage, rows }, null, 2)}\n`);
  console.info(`\n${markdown}`);
  return rows.every((row) => row.samples.length > 0) ? 0 : 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench:whisper-cpp] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);

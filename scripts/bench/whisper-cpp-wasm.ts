/**
 * whisper.cpp's WebAssembly build in the benchmark's Chromium: the driver that scripts/whisper-cpp.sh
 * links with em++ (scripts/whisper-cpp-wasm/driver.cpp, SIMD + pthreads) on a page of its own,
 * served from 127.0.0.1 with COOP/COEP (cross-origin isolated, so SharedArrayBuffer and threads
 * work), in the same Chromium with the same flags and profile handling as the app's browser rows
 * (scripts/bench/browser-bench.ts `BenchBrowser.open`). The page fetches the ggml file into the
 * wasm file system, loads it (whisper_init_from_file), decodes the clip to 16 kHz with Web Audio
 * and runs whisper_full on `threads` threads; its own clock marks each step, and /proc is sampled
 * for the renderer processes meanwhile (scripts/bench/proc-memory.ts).
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { waitForExpression, type BenchBrowser } from "./browser-bench";
import { MemorySampler, valueAt } from "./proc-memory";

/** The em++ output scripts/whisper-cpp.sh writes (3.1.x with pthreads: .js, .wasm, .worker.js). */
export const WASM_FILES = ["whisper-bench.js", "whisper-bench.wasm", "whisper-bench.worker.js"] as const;

/** One run of whisper.cpp's wasm build in Chromium; milliseconds and bytes. */
export interface WhisperWasmResult {
  /** Page clock from navigation start to a loaded model: runtime start, ggml fetch into the FS, whisper_init. */
  readonly loadMs: number;
  /** Page clock from the loaded model to the transcript: the clip's fetch and decode, whisper_full. */
  readonly transcribeMs: number;
  /** CPU seconds the renderer processes used over the same span. */
  readonly transcribeCpuMs: number;
  readonly rendererPeak: number;
  readonly text: string;
}

/**
 * The page: the Module object (stdout/stderr kept), the driver's script, and the run itself, which
 * starts as soon as the runtime is up and records into `window.__bench`.
 */
export function benchPage(script: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>whisper.cpp wasm benchmark</title>
<link rel="icon" href="data:,">
<script>
const bench = { stdout: [], stderr: [], marks: {} };
window.__bench = bench;
const query = new URLSearchParams(location.search);
const mark = (name) => { bench.marks[name] = performance.now(); };
var Module = {
  print: (text) => bench.stdout.push(text),
  printErr: (text) => bench.stderr.push(text),
  onRuntimeInitialized: () => { benchRun().catch((error) => { bench.error = String(error && error.stack || error); }); },
};
async function benchRun() {
  bench.crossOriginIsolated = self.crossOriginIsolated;
  const response = await fetch("/model/" + query.get("model"));
  if (!response.ok) throw new Error("model: HTTP " + response.status);
  const bytes = new Uint8Array(await response.arrayBuffer());
  Module.FS.writeFile("/model.bin", bytes, { canOwn: true });
  if (!Module.init("/model.bin")) throw new Error("whisper_init_from_file failed");
  Module.FS.unlink("/model.bin");
  mark("loaded");
  const clip = await (await fetch("/clip.wav")).arrayBuffer();
  const audio = await new OfflineAudioContext(1, 1, 16000).decodeAudioData(clip);
  if (!Module.start(audio.getChannelData(0), Number(query.get("threads")))) throw new Error("start() refused: no model");
  while (!Module.done()) await new Promise((resolve) => setTimeout(resolve, 10));
  mark("done");
  bench.status = Module.status();
  bench.text = Module.text();
  bench.finished = true;
}
</script>
<script src="/${script}"></script>
`;
}

/** A static server for the page, the wasm build, the ggml files and the clip; 127.0.0.1 only. */
export async function serveWhisperWasm(buildDir: string, models: readonly string[], clip: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  for (const name of WASM_FILES.slice(0, 2)) if (!existsSync(join(buildDir, name))) throw new Error(`${join(buildDir, name)} is missing: run scripts/whisper-cpp.sh first`);
  const files = new Map<string, string>([["/clip.wav", clip], ...WASM_FILES.map((name): [string, string] => [`/${name}`, join(buildDir, name)]), ...models.map((path): [string, string] => [`/model/${basename(path)}`, path])]);
  const types: Record<string, string> = { ".js": "text/javascript", ".wasm": "application/wasm", ".wav": "audio/wav" };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    // Cross-origin isolation for SharedArrayBuffer (pthreads); nothing cached, every run fetches afresh.
    const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Cross-Origin-Resource-Policy": "same-origin", "Cache-Control": "no-store" };
    if (path === "/") {
      response.writeHead(200, { ...headers, "Content-Type": "text/html; charset=utf-8" }).end(benchPage(WASM_FILES[0]));
      return;
    }
    const file = files.get(path);
    if (file === undefined || !existsSync(file)) {
      response.writeHead(404, headers).end();
      return;
    }
    const type = types[/\.[a-z]+$/.exec(file)?.[0] ?? ""] ?? "application/octet-stream";
    response.writeHead(200, { ...headers, "Content-Type": type, "Content-Length": String(statSync(file).size) });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface PageState {
  readonly marks: Readonly<Record<string, number>>;
  readonly stderr: readonly string[];
  readonly error?: string;
  readonly status?: number;
  readonly text?: string;
  readonly crossOriginIsolated?: boolean;
}

/** Transcribes the served clip with the served ggml file `model` on `threads` threads, in a freshly started Chromium. */
export async function whisperWasmRun(browser: BenchBrowser, url: string, model: string, threads: number, timeoutMs: number): Promise<WhisperWasmResult> {
  const { context, page, pid } = await browser.open();
  try {
    const sampler = new MemorySampler(pid, 100);
    let state: PageState;
    let origin: number;
    let memory;
    try {
      await page.goto(`${url}/?model=${encodeURIComponent(model)}&threads=${threads}`);
      await waitForExpression(page, "window.__bench !== undefined && (window.__bench.finished === true || window.__bench.error !== undefined)", timeoutMs);
      state = (await page.evaluate("window.__bench")) as PageState;
      origin = (await page.evaluate("performance.timeOrigin")) as number;
    } finally {
      memory = sampler.stop();
    }
    if (state.error !== undefined) throw new Error(`whisper.cpp wasm page failed: ${state.error}\n${state.stderr.slice(-20).join("\n")}`);
    if (state.status !== 0) throw new Error(`whisper_full returned ${String(state.status)}\n${state.stderr.slice(-20).join("\n")}`);
    if (state.crossOriginIsolated !== true) throw new Error("the page was not cross-origin isolated (no SharedArrayBuffer for pthreads)");
    const { loaded, done } = state.marks;
    if (loaded === undefined || done === undefined) throw new Error(`the page's marks are incomplete: ${JSON.stringify(state.marks)}`);
    return {
      loadMs: loaded,
      transcribeMs: done - loaded,
      transcribeCpuMs: (valueAt(memory.cpu, origin + done) - valueAt(memory.cpu, origin + loaded)) * 1000,
      rendererPeak: memory.rendererPeak,
      text: (state.text ?? "").trim().replace(/\s+/g, " "),
    };
  } finally {
    await context.close();
  }
}

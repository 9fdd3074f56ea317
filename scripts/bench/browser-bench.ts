/**
 * The browser side of the benchmark: the production build in the system Chromium, driven through
 * its UI (settings forced through localStorage, the Language select, the file input, the status
 * line), exactly as a person would use it. Each run starts Chromium afresh on one persistent
 * profile, so the model loads from a warm Cache API in a new renderer process whose memory belongs
 * to that run alone. The page's own clock times the worker's `loaded` message and the final status;
 * /proc is sampled for the renderer processes (the page and its worker) meanwhile.
 */
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../../test/support/chromium";
import { commandLine, findProcesses, MemorySampler, rendererParts, rendererRss, runPhase, valueAt, type MemoryPeak, type MemoryRegion, type RssParts } from "./proc-memory";

/** localStorage key of the app's settings (lib/settings.ts `SETTINGS_KEY`). */
const SETTINGS_KEY = "whisper:settings:v1";
const LOG_KEY = "__benchLog";

/** One measured run in the browser; bytes and milliseconds. */
export interface BrowserRunResult {
  /** The worker's own time from the load request to a ready pipeline (Cache API read, ORT init, sessions). */
  readonly loadMs: number;
  /** Page clock from the worker's `loaded` message to the final status line. */
  readonly transcribeMs: number;
  /** CPU seconds the renderer processes used over the same span (less sensitive to other load than wall time). */
  readonly transcribeCpuMs: number;
  /** Sum of the worker's per-window times (model only, no page-side windowing). */
  readonly workerWindowsMs: number;
  readonly windows: number;
  readonly status: string;
  readonly words: number;
  /** The transcript as the page shows it (scored against the clip's script where there is one). */
  readonly text: string;
  readonly modelInfo: string;
  /** Renderer RSS with the app loaded and no model, just before the file was picked. */
  readonly appIdle: number;
  /** The renderers' RSS by kind at that moment (one reading). */
  readonly appIdleParts: RssParts;
  readonly rendererPeak: number;
  /** The peak's RSS by kind, and where in the run it was reached ("loading", "window 2 of 3"). */
  readonly rendererPeakParts: RssParts;
  readonly peakPhase: string;
  /** The renderers' largest mappings near the peak (see {@link MemoryPeak.rendererPeakRegions}). */
  readonly peakRegions: readonly MemoryRegion[];
  readonly rendererHwm: number;
  readonly treePeak: number;
  readonly samples: number;
  /** Renderer RSS when the model was loaded, and at the end of each window. */
  readonly rssAtLoaded: number;
  readonly rssAtWindows: readonly number[];
}

/** Facts about the browser that the report prints. */
export interface BrowserFacts {
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  readonly webgpu: { readonly found: boolean; readonly detail: string };
}

/** Settings the app's settings panel would store for a forced model and device. */
export function forcedSettings(model: string, device: "wasm" | "webgpu"): string {
  return JSON.stringify({ quality: "high", model, device, idleUnloadMinutes: 5 });
}

/** What `data-testid="model-info"` shows for a model and device ("Whisper tiny · WASM · q8"). */
export function expectedModelInfo(model: string, device: "wasm" | "webgpu"): string {
  const label = model === "whisper-tiny" ? "Whisper tiny" : "Whisper base";
  return device === "wasm" ? `${label} · WASM · q8` : `${label} · WebGPU`;
}

// Plain JavaScript strings, not functions: tsx compiles functions with helpers (`__name`) that do not
// exist in the page.
function probeScript(settings: string): string {
  return `(() => {
  if (${JSON.stringify(settings)} !== "") localStorage.setItem(${JSON.stringify(SETTINGS_KEY)}, ${JSON.stringify(settings)});
  const log = [];
  window[${JSON.stringify(LOG_KEY)}] = log;
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      this.addEventListener("message", (event) => {
        const data = event.data;
        if (typeof data !== "object" || data === null) return;
        if (data.type === "loaded") log.push({ kind: "loaded", t: performance.now(), ms: data.elapsedMs });
        else if (data.type === "result") log.push({ kind: "result", t: performance.now(), ms: data.result.elapsedMs });
        else if (data.type === "error") log.push({ kind: "error", t: performance.now(), text: String(data.error && data.error.message) });
      });
    }
  };
  let last = "";
  new MutationObserver(() => {
    const element = document.querySelector('[data-testid="status"]');
    if (element === null) return;
    const text = (element.classList.contains("error") ? "ERROR: " : "") + (element.textContent || "");
    if (text !== last) {
      last = text;
      log.push({ kind: "status", t: performance.now(), text });
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["class"] });
})();`;
}

const webGpuProbe = (allowFallback: boolean): string => `(async () => {
  const gpu = navigator.gpu;
  if (!gpu) return { found: false, detail: "navigator.gpu is missing" };
  let adapter = null;
  try { adapter = await gpu.requestAdapter(); } catch (error) { return { found: false, detail: "requestAdapter() threw: " + error }; }
  if (!adapter) return { found: false, detail: "requestAdapter() returned null" };
  const info = adapter.info || {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") || "unnamed adapter";
  const features = [...adapter.features].includes("shader-f16") ? ", shader-f16" : ", no shader-f16";
  if (info.isFallbackAdapter) return { found: ${String(allowFallback)}, detail: "only a software fallback adapter (" + name + features + ")" };
  return { found: true, detail: name + features };
})()`;

interface LogEntry {
  readonly kind: "loaded" | "result" | "error" | "status";
  readonly t: number;
  readonly ms?: number;
  readonly text?: string;
}

const FINAL_STATUS = /^(Done|No speech|ERROR: )/;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Median renderer RSS over `count` samples `everyMs` apart. */
export async function settledRenderers(pid: number, count = 8, everyMs = 250): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < count; i += 1) {
    values.push(rendererRss(pid));
    await sleep(everyMs);
  }
  return median(values);
}

/**
 * Polls `expression` until it is true. Not `page.waitForFunction` with a string: Playwright turns
 * that into `new Function` inside the page, which the app's Content-Security-Policy (no
 * 'unsafe-eval') refuses; `page.evaluate` of a string goes through the debugger protocol instead.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await page.evaluate(expression)) !== true) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await sleep(250);
  }
}

/** Chromium with one persistent profile (the Cache API survives restarts), and its main process. */
export class BenchBrowser {
  private readonly executable = findChromium();
  readonly consoleErrors: string[] = [];
  /** The renderers' RSS by kind at the end of the last {@link emptyPage}. */
  emptyPageParts: RssParts = { anon: 0, file: 0, shmem: 0 };

  constructor(
    private readonly profileDir: string,
    private readonly appUrl: string,
    /** Extra Chromium flags for WebGPU launches, e.g. `--enable-features=Vulkan` where a GPU needs them. */
    private readonly webGpuArgs: readonly string[] = [],
    /** Count a software (fallback) adapter as found: for checking the script itself, not for GPU figures. */
    private readonly allowFallbackAdapter = false,
    /** Decode files whole (the path before streaming), through the test hook; needs a NEXT_PUBLIC_TEST_HOOKS=1 build. */
    private readonly wholeFile = false,
  ) {}

  /**
   * Chromium on the benchmark's profile with the benchmark's flags and one tab, before any page of
   * the app: for other pages measured the same way (scripts/bench/whisper-cpp-wasm.ts).
   */
  async open(webgpu = false): Promise<{ context: BrowserContext; page: Page; pid: number }> {
    const context = await chromium.launchPersistentContext(this.profileDir, {
      executablePath: this.executable,
      headless: true,
      // No spare renderer kept warm for the next tab: only the page's own renderer is measured.
      // WebGPU is behind a flag in Chromium on Linux; WASM runs get the browser as the tests use it.
      args: [...CHROMIUM_ARGS, "--disable-features=SpareRendererForSitePerProcess", ...(webgpu ? ["--enable-unsafe-webgpu", ...this.webGpuArgs] : [])],
    });
    const flag = `--user-data-dir=${this.profileDir}`;
    const pid = findProcesses(flag).find((candidate) => !(commandLine(candidate) ?? []).some((arg) => arg.startsWith("--type=")));
    if (pid === undefined) {
      await context.close();
      throw new Error(`could not find Chromium's main process (no process has ${flag})`);
    }
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") this.consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => this.consoleErrors.push(`uncaught: ${String(error)}`));
    return { context, page, pid };
  }

  private async launch(settings: string, webgpu: boolean): Promise<{ context: BrowserContext; page: Page; pid: number }> {
    const opened = await this.open(webgpu);
    // Init scripts run on the tab's next navigation (the app's page), not on the blank tab it opened with.
    await opened.context.addInitScript(probeScript(settings));
    if (this.wholeFile) await opened.context.addInitScript('globalThis.__WHISPER_TEST_DECODER__ = "whole";');
    return opened;
  }

  /** Renderer RSS with one about:blank tab: the "empty page" the memory goals are measured above. */
  async emptyPage(): Promise<number> {
    const { context, page, pid } = await this.launch("", false);
    try {
      await page.goto("about:blank");
      await sleep(2000);
      const settled = await settledRenderers(pid);
      this.emptyPageParts = rendererParts(pid);
      return settled;
    } finally {
      await context.close();
    }
  }

  /** Loads the app once and reports what it runs on (isolation, threads, a WebGPU adapter with WebGPU enabled). */
  async facts(): Promise<BrowserFacts> {
    const { context, page } = await this.launch("", true);
    try {
      await page.goto(`${this.appUrl}/`);
      const basics = await page.evaluate("({ userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency })");
      const webgpu = await page.evaluate(webGpuProbe(this.allowFallbackAdapter));
      return { ...(basics as Omit<BrowserFacts, "webgpu">), webgpu: webgpu as BrowserFacts["webgpu"] };
    } finally {
      await context.close();
    }
  }

  /** Transcribes `audioPath` with `model` forced onto `device`, in a freshly started Chromium. */
  async run(model: string, device: "wasm" | "webgpu", audioPath: string, audioSeconds: number): Promise<BrowserRunResult> {
    const { context, page, pid } = await this.launch(forcedSettings(model, device), device === "webgpu");
    try {
      await page.goto(`${this.appUrl}/`);
      const expected = expectedModelInfo(model, device);
      await page.getByTestId("model-info").filter({ hasText: expected }).waitFor({ timeout: 60_000 });
      await page.getByLabel("Language", { exact: true }).selectOption("en");
      await sleep(1500);
      const appIdle = await settledRenderers(pid, 6, 200);
      const appIdleParts = rendererParts(pid);
      const sampler = new MemorySampler(pid, 100);
      let log: LogEntry[];
      let memory: MemoryPeak;
      let origin: number;
      try {
        await page.getByTestId("file-input").setInputFiles(audioPath);
        await waitForExpression(page, `(window[${JSON.stringify(LOG_KEY)}] || []).some((entry) => entry.kind === "status" && ${FINAL_STATUS.toString()}.test(entry.text))`, 180_000 + audioSeconds * 2000);
        log = (await page.evaluate(`window[${JSON.stringify(LOG_KEY)}]`)) as LogEntry[];
        origin = (await page.evaluate("performance.timeOrigin")) as number;
      } finally {
        memory = sampler.stop();
      }
      const final = log.find((entry) => entry.kind === "status" && FINAL_STATUS.test(entry.text ?? ""));
      const loaded = log.find((entry) => entry.kind === "loaded");
      const modelInfo = ((await page.getByTestId("model-info").textContent()) ?? "").trim();
      if (final === undefined || !(final.text ?? "").startsWith("Done")) throw new Error(`the app did not finish: ${final?.text ?? "no final status"}`);
      if (loaded === undefined || loaded.ms === undefined) throw new Error("the worker never reported a loaded model");
      if (!modelInfo.includes(expected)) throw new Error(`model-info says "${modelInfo}", expected "${expected}"`);
      const results = log.filter((entry) => entry.kind === "result");
      const peakPhase = runPhase(
        memory.rendererPeakAt,
        origin + loaded.t,
        results.map((entry) => origin + entry.t),
      );
      const text = ((await page.getByTestId("transcript").textContent()) ?? "").trim();
      return {
        loadMs: loaded.ms,
        transcribeMs: final.t - loaded.t,
        transcribeCpuMs: (valueAt(memory.cpu, origin + final.t) - valueAt(memory.cpu, origin + loaded.t)) * 1000,
        workerWindowsMs: results.reduce((total, entry) => total + (entry.ms ?? 0), 0),
        windows: results.length,
        status: final.text ?? "",
        words: text.split(/\s+/).filter((word) => word !== "").length,
        text,
        modelInfo,
        appIdle,
        appIdleParts,
        rendererPeak: memory.rendererPeak,
        rendererPeakParts: memory.rendererPeakParts,
        peakPhase,
        peakRegions: memory.rendererPeakRegions,
        rendererHwm: memory.rendererHwm,
        treePeak: memory.treePeak,
        samples: memory.samples,
        rssAtLoaded: valueAt(memory.rss, origin + loaded.t),
        rssAtWindows: results.map((entry) => valueAt(memory.rss, origin + entry.t)),
      };
    } finally {
      await context.close();
    }
  }
}

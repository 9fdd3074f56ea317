/**
 * The browser side of the accuracy evaluation: the production build (scripts/app-server.ts), served
 * on its own port with the real models, driven through its UI in the system Chromium
 * (file input, Language select, status line, transcript) with Whisper base forced onto WASM q8.
 */
import { readFileSync } from "node:fs";
import { chromium, type Browser, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../../test/support/chromium";

/** What the settings panel would store for "Accurate, Whisper base, CPU (WASM)". */
export const FORCED_SETTINGS = { quality: "high", model: "whisper-base", device: "wasm", idleUnloadMinutes: 5 } as const;
/** localStorage key of the app's settings (lib/settings.ts `SETTINGS_KEY`). */
export const SETTINGS_KEY = "whisper:settings:v1";
/** What `data-testid="model-info"` must show while the evaluation runs. */
export const EXPECTED_MODEL = "Whisper base · WASM · q8";

/** One clip for the browser: the file and the language to choose in the Language select. */
export interface BrowserJob {
  readonly key: string;
  readonly path: string;
  readonly language: string;
}

/** What the app showed for one clip. */
export interface BrowserResult {
  readonly text: string;
  /** The clip decoded by Chromium as the app decodes it (16 kHz, channels averaged). */
  readonly samples: Float32Array;
  /** The status line when the run ended ("Done: 10.9 s of audio in 7.3 s (English)."). */
  readonly status: string;
  readonly modelInfo: string;
  /** Wall-clock seconds from picking the file to the final status. */
  readonly seconds: number;
}

/** What happened in the page besides transcripts: console errors and uncaught exceptions. */
export interface BrowserSession {
  readonly results: Map<string, BrowserResult>;
  readonly consoleErrors: string[];
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
}

const STATUS_LOG = "__evalStatusLog";

/**
 * Decodes a file in the page the way lib/audio/decode.ts does (decodeAudioData in a 16 kHz
 * OfflineAudioContext, channels averaged), so the samples the model saw can be compared with the
 * reference's ffmpeg decode.
 */
async function decodeInPage(page: Page, path: string): Promise<Float32Array> {
  const encoded = await page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const buffer = await new OfflineAudioContext(1, 1, 16_000).decodeAudioData(bytes.buffer);
    const mono = new Float32Array(buffer.length);
    for (let c = 0; c < buffer.numberOfChannels; c += 1) {
      const channel = buffer.getChannelData(c);
      for (let i = 0; i < mono.length; i += 1) mono[i] = (mono[i] ?? 0) + (channel[i] ?? 0) / buffer.numberOfChannels;
    }
    const raw = new Uint8Array(mono.buffer);
    let text = "";
    for (let i = 0; i < raw.length; i += 0x8000) text += String.fromCharCode(...raw.subarray(i, i + 0x8000));
    return btoa(text);
  }, readFileSync(path).toString("base64"));
  const bytes = Buffer.from(encoded, "base64");
  const samples = new Float32Array(bytes.length / 4);
  for (let i = 0; i < samples.length; i += 1) samples[i] = bytes.readFloatLE(i * 4);
  return samples;
}

async function statusMark(page: Page): Promise<number> {
  return page.evaluate((key) => {
    const log: unknown = Reflect.get(window, key);
    return Array.isArray(log) ? log.length : 0;
  }, STATUS_LOG);
}

/** Waits for a final status (Done, No speech, or an error line) recorded after `mark`. */
async function finalStatusAfter(page: Page, mark: number, timeoutMs: number): Promise<string> {
  const handle = await page.waitForFunction(
    ([key, from]) => {
      const log: unknown = Reflect.get(window, key);
      if (!Array.isArray(log)) return null;
      for (const entry of log.slice(Number(from))) {
        const text = String(entry);
        if (/^(Done|No speech|ERROR: )/.test(text)) return text;
      }
      return null;
    },
    [STATUS_LOG, String(mark)] as const,
    { timeout: timeoutMs, polling: 250 },
  );
  return String(await handle.jsonValue());
}

/**
 * Transcribes every job in one page of a fresh Chromium profile, as a person would: settings forced
 * through localStorage before the page loads, then for each clip the Language select and the file
 * input. The model stays loaded between clips, as in a real session.
 */
export async function browserTranscripts(appUrl: string, jobs: readonly BrowserJob[], log: (line: string) => void, timeoutMs = 600_000): Promise<BrowserSession> {
  const browser: Browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS], headless: true });
  const consoleErrors: string[] = [];
  try {
    const context = await browser.newContext();
    await context.addInitScript(
      ([key, value, logKey]) => {
        window.localStorage.setItem(key, value);
        // Record every status line, so a run's final line is told apart from the previous run's.
        const entries: string[] = [];
        Reflect.set(window, logKey, entries);
        let last = "";
        new MutationObserver(() => {
          const element = document.querySelector('[data-testid="status"]');
          if (element === null) return;
          const text = `${element.classList.contains("error") ? "ERROR: " : ""}${element.textContent ?? ""}`;
          if (text !== last) {
            last = text;
            entries.push(text);
          }
        }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["class"] });
      },
      [SETTINGS_KEY, JSON.stringify(FORCED_SETTINGS), STATUS_LOG] as const,
    );
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${String(error)}`));
    await page.goto(`${appUrl}/`);
    const facts = await page.evaluate(() => ({ userAgent: navigator.userAgent, isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    const language = page.getByLabel("Language", { exact: true });
    const results = new Map<string, BrowserResult>();
    for (const job of jobs) {
      await language.selectOption(job.language);
      const mark = await statusMark(page);
      const started = performance.now();
      await page.getByTestId("file-input").setInputFiles(job.path);
      const status = await finalStatusAfter(page, mark, timeoutMs);
      const seconds = (performance.now() - started) / 1000;
      if (status.startsWith("ERROR: ")) throw new Error(`the app failed on ${job.path}: ${status.slice(7)}`);
      const text = ((await page.getByTestId("transcript").textContent()) ?? "").trim();
      const modelInfo = ((await page.getByTestId("model-info").textContent()) ?? "").trim();
      if (!modelInfo.includes(EXPECTED_MODEL)) {
        throw new Error(`model-info says "${modelInfo}", expected "${EXPECTED_MODEL}": the forced settings did not take`);
      }
      log(`browser ${job.key}: ${status} (${seconds.toFixed(1)} s)`);
      const samples = await decodeInPage(page, job.path);
      results.set(job.key, { text: status.startsWith("No speech") ? "" : text, samples, status, modelInfo, seconds });
    }
    await context.close();
    return { results, consoleErrors, userAgent: facts.userAgent, crossOriginIsolated: facts.isolated, hardwareConcurrency: facts.cores };
  } finally {
    await browser.close();
  }
}

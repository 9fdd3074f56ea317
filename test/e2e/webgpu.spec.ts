/**
 * The WebGPU path in a real browser. Headless Chromium with `--enable-unsafe-webgpu` offers Google's
 * SwiftShader adapter (a software Vulkan device, `isFallbackAdapter: true`, no `shader-f16`), on
 * which ONNX Runtime's real WebGPU kernels run. The planner never picks a fallback adapter, so each
 * page sets the test-build switch `__WHISPER_TEST_DEVICE__.acceptFallbackAdapter` (honoured only in
 * builds made with NEXT_PUBLIC_TEST_HOOKS=1); the adapter's other facts stay as probed.
 */
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SW_CACHES } from "../../lib/offline/routes";
import { CHROMIUM_ARGS, findChromium } from "../support/chromium";
import { cpuTranscript, wordAgreement } from "../support/cpu-reference";
import { expect, test, transcribeClip } from "./fixtures";

const WEBGPU_ARGS = [...CHROMIUM_ARGS, "--enable-unsafe-webgpu"];
test.use({ launchOptions: { executablePath: findChromium(), args: WEBGPU_ARGS } });

const CLIP = "speech-8k.wav";
const ASYNCIFY = /\/ort\/ort-wasm-simd-threaded\.asyncify\.(mjs|wasm)$/;

/** Page init: plan on the software adapter, 4 GB (so tiny leads), and keep copies of the audio sent to the worker. */
async function prepare(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript(() => {
    globalThis.__WHISPER_TEST_DEVICE__ = { acceptFallbackAdapter: true, deviceMemory: 4 };
    const sent: number[][] = [];
    Reflect.set(globalThis, "__sentAudio", sent);
    const held: (() => void)[] = [];
    Reflect.set(globalThis, "__heldTranscribes", held);
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: [unknown, ...unknown[]]) {
      const [message] = args;
      const audio: unknown = typeof message === "object" && message !== null ? Reflect.get(message, "audio") : undefined;
      if (audio instanceof Float32Array) sent.push(Array.from(audio));
      const send = (): void => {
        Reflect.apply(post, this, args);
      };
      if (audio instanceof Float32Array && Reflect.get(globalThis, "__holdTranscribe") === true) held.push(send);
      else send();
    };
  });
}

interface AdapterFacts {
  readonly vendor: string;
  readonly architecture: string;
  readonly isFallbackAdapter: boolean;
  readonly features: string[];
}

/** What the page's own WebGPU adapter is; logged and attached to the test report. */
async function adapterFacts(page: Page): Promise<AdapterFacts> {
  const facts = await page.evaluate(async () => {
    const adapter = await navigator.gpu.requestAdapter();
    if (adapter === null) return null;
    return { vendor: adapter.info.vendor, architecture: adapter.info.architecture, isFallbackAdapter: adapter.info.isFallbackAdapter, features: [...adapter.features].sort() };
  });
  expect(facts, "navigator.gpu.requestAdapter() found an adapter").not.toBeNull();
  if (facts === null) throw new Error("no WebGPU adapter");
  const line = `${facts.vendor} ${facts.architecture}, isFallbackAdapter=${String(facts.isFallbackAdapter)}, features: ${facts.features.join(" ")}`;
  console.info(`[webgpu.spec] adapter: ${line}`);
  test.info().annotations.push({ type: "WebGPU adapter", description: line });
  return facts;
}

async function untilServiceWorkerControls(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await expect(page.getByTestId("offline-status")).toHaveAttribute("data-state", "ready");
}

async function lastSentAudio(page: Page): Promise<Float32Array> {
  const sent = await page.evaluate(() => {
    const all: unknown = Reflect.get(globalThis, "__sentAudio");
    if (!Array.isArray(all)) return null;
    const last: unknown = all[all.length - 1];
    return last;
  });
  if (!Array.isArray(sent)) throw new Error("no audio was sent to the worker");
  return Float32Array.from(sent, Number);
}

const transcript = async (page: Page): Promise<string> => ((await page.getByTestId("transcript").textContent()) ?? "").trim();

test.describe("WebGPU on Chromium's software adapter", () => {
  test("fp32 + q4 transcribes as the CPU does on the same weights; ONNX Runtime's WebGPU build comes from our origin and works offline", async ({ page, context }) => {
    const ortRequests: string[] = [];
    page.on("request", (request) => {
      if (/ort-wasm/.test(request.url())) ortRequests.push(request.url());
    });
    await prepare(page);
    await page.goto("/");
    await adapterFacts(page);
    await untilServiceWorkerControls(page);
    await expect(page.getByTestId("model-info")).toHaveText(/^Whisper tiny · WebGPU · fp32\/q4/);
    await page.getByLabel("Language", { exact: true }).selectOption("en");
    await transcribeClip(page, CLIP);
    await expect(page.getByTestId("status")).toContainText("Done");
    await expect(page.getByTestId("notice"), "no step-down: WebGPU finished the job").toHaveCount(0);
    const online = await transcript(page);
    expect(online).not.toBe("");

    const reference = await cpuTranscript("whisper-tiny", { encoder: "fp32", decoder: "q4" }, await lastSentAudio(page));
    console.info(`[webgpu.spec] fp32+q4 WebGPU: ${JSON.stringify(online)}\n[webgpu.spec] fp32+q4 CPU:    ${JSON.stringify(reference.trim())}`);
    expect(online, "WebGPU and the CPU kernels decode the same words from the same weights").toBe(reference.trim());

    expect(ortRequests.filter((url) => ASYNCIFY.test(url)).length, "the asyncify build (WebGPU's) was loaded").toBeGreaterThanOrEqual(2);
    for (const url of ortRequests) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ort\//);
    const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((request) => request.url), SW_CACHES.ort);
    expect(cached.filter((url) => ASYNCIFY.test(url)), "the service worker keeps WebGPU's ONNX Runtime for offline use").toHaveLength(2);

    await context.setOffline(true);
    await page.reload();
    await untilServiceWorkerControls(page);
    await page.getByLabel("Language", { exact: true }).selectOption("en");
    await expect(page.getByTestId("model-info")).toHaveText(/^Whisper tiny · WebGPU · fp32\/q4/);
    await transcribeClip(page, CLIP);
    await expect(page.getByTestId("status")).toContainText("Done");
    expect(await transcript(page), "offline, from cached runtime and weights").toBe(online);
  });

  test("fp16 + q4f16 where the adapter has shader-f16; fp32 + q4 where it has not", async ({ page }) => {
    await prepare(page);
    await page.goto("/");
    const facts = await adapterFacts(page);
    if (!facts.features.includes("shader-f16")) {
      // This adapter (SwiftShader here) cannot run float16 shaders: the planner must keep q4f16 off it
      // and pair fp32 + q4 instead. On a real GPU with shader-f16, npm run bench:webgpu measures fp16.
      console.info(`[webgpu.spec] ${facts.vendor} ${facts.architecture} has no shader-f16: checking the planner keeps fp32 + q4`);
      await expect(page.getByTestId("model-info")).toHaveText(/^Whisper tiny · WebGPU · fp32\/q4/);
      return;
    }
    await expect(page.getByTestId("model-info")).toHaveText(/^Whisper tiny · WebGPU · fp16\/q4f16/);
    await page.getByLabel("Language", { exact: true }).selectOption("en");
    await transcribeClip(page, CLIP);
    await expect(page.getByTestId("status")).toContainText("Done");
    await expect(page.getByTestId("notice")).toHaveCount(0);
    const text = await transcript(page);
    const reference = (await cpuTranscript("whisper-tiny", { encoder: "fp16", decoder: "q4f16" }, await lastSentAudio(page))).trim();
    const agreement = wordAgreement(text, reference);
    console.info(`[webgpu.spec] fp16+q4f16 WebGPU: ${JSON.stringify(text)}\n[webgpu.spec] fp16+q4f16 CPU:    ${JSON.stringify(reference)} (${(agreement * 100).toFixed(0)}% of words agree)`);
    // float16 sums differ between GPU and CPU kernels; on random weights a near tie can flip a word
    // and the rest of the window follows it, so only the start is bound to agree.
    expect(text.split(/\s+/)[0], "the first word agrees").toBe(reference.split(/\s+/)[0]);
    expect(text.split(/\s+/).length).toBeGreaterThanOrEqual(Math.floor(reference.split(/\s+/).length / 2));
  });
});

/** Chromium's GPU process for a browser started on `profile` (its command line names the profile). */
function gpuProcesses(profile: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return command.includes(profile) && command.includes("--type=gpu-process");
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("a lost GPU device steps down to WASM, which finishes the job, and the user is told", async () => {
  // Its own browser, so that the GPU process killed is this test's and no one else's.
  const profile = mkdtempSync(join(tmpdir(), "webgpu-lost-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: findChromium(), headless: true, args: WEBGPU_ARGS, baseURL: test.info().project.use.baseURL });
  try {
    await prepare(context);
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") console.info(`[webgpu.spec] console error: ${message.text().slice(0, 400)}`);
    });
    await page.goto("/");
    await adapterFacts(page);
    await expect(page.getByTestId("model-info")).toHaveText(/^Whisper tiny · WebGPU · fp32\/q4/);
    await page.getByLabel("Language", { exact: true }).selectOption("en");
    // Hold the audio until the model is on the GPU, then take the GPU away: the run starts on a lost device.
    await page.evaluate(() => Reflect.set(globalThis, "__holdTranscribe", true));
    await page.getByTestId("file-input").setInputFiles(join(__dirname, "..", "fixtures", "audio", CLIP));
    await page.waitForFunction(() => {
      const held: unknown = Reflect.get(globalThis, "__heldTranscribes");
      return Array.isArray(held) && held.length > 0;
    });
    const killed = gpuProcesses(profile);
    expect(killed.length, "found this browser's GPU process").toBeGreaterThan(0);
    for (const pid of killed) process.kill(pid, "SIGKILL");
    await page.waitForTimeout(1000);
    await page.evaluate(() => {
      Reflect.set(globalThis, "__holdTranscribe", false);
      const held: unknown = Reflect.get(globalThis, "__heldTranscribes");
      if (Array.isArray(held)) for (const send of held) if (typeof send === "function") send();
    });
    await expect(page.getByTestId("status")).toHaveText(/^(Done|.*(failed|could not|ran out))/, { timeout: 120_000 });
    const details = page.getByTestId("error-details");
    if ((await details.count()) > 0) console.info(`[webgpu.spec] error details: ${(await details.textContent()) ?? ""}`);
    await expect(page.getByTestId("status")).toHaveText(/^Done/);
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    await expect(page.getByTestId("notice")).toContainText(/Whisper tiny · WebGPU · fp32\/q4 .*, so Whisper tiny · WASM · q8 took over/);
    console.info(`[webgpu.spec] after the GPU process was killed: ${(await page.getByTestId("notice").textContent()) ?? ""}`);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

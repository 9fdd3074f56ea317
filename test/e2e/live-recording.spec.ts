import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../support/chromium";
import { readWav, writeWav } from "../support/wav";
import { clip, expect, test } from "./fixtures";

// The fake microphone loops this file: 4.5 s of speech, then a 2.5 s pause, over and over.
const MIC_FILE = join(tmpdir(), `live-recording-mic-${process.pid}.wav`);
const speechClip = readWav(clip("speech-stereo-22k.wav"));
const looped = new Float32Array(speechClip.samples.length + Math.round(2.5 * speechClip.sampleRate));
looped.set(speechClip.samples);
writeWav(MIC_FILE, { sampleRate: speechClip.sampleRate, samples: looped });

// The fake microphone's file is made at load time, one per run; it goes when the run ends.
test.afterAll(() => rmSync(MIC_FILE, { force: true }));

test.use({
  launchOptions: {
    executablePath: findChromium(),
    args: [...CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${MIC_FILE}`],
  },
});

/** Windows transcribed so far, from the status line while recording ("… (3 parts)."). */
async function partsSoFar(page: Page): Promise<number> {
  const status = (await page.getByTestId("status").textContent()) ?? "";
  return Number(/\((\d+) parts?\)/.exec(status)?.[1] ?? 0);
}

/** Waits until the transcript has not changed for `quietMs` (no window in progress) and returns it. */
async function settledTranscript(page: Page, quietMs = 1_500): Promise<string> {
  let last = "";
  let since = Date.now();
  for (;;) {
    const text = (await page.getByTestId("transcript").textContent())?.trim() ?? "";
    if (text !== last) {
      last = text;
      since = Date.now();
    } else if (Date.now() - since >= quietMs && text !== "") return text;
    await page.waitForTimeout(100);
  }
}

/** Main-thread JavaScript memory after a full GC: the V8 heap plus ArrayBuffer backing stores (where samples live). */
async function pageMemory(page: Page): Promise<{ heap: number; buffers: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const usage: { usedSize: number; backingStorageSize?: number } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return { heap: usage.usedSize, buffers: usage.backingStorageSize ?? 0 };
}

const MB = 1024 * 1024;

test.describe("words while recording", () => {
  test("each pause's text appears while recording; stop transcribes only the tail", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("record").click();
    const clicked = Date.now();
    await expect(page.getByTestId("stop-recording")).toBeVisible();
    // Text before stop: pause k starts 4.5 + 7k s into the recording; note when each window's text lands.
    const landed: number[] = [];
    let shown = "";
    for (const deadline = Date.now() + 120_000; (await partsSoFar(page)) < 3 && Date.now() < deadline; await page.waitForTimeout(50)) {
      const text = (await page.getByTestId("transcript").textContent())?.trim() ?? "";
      if (text !== shown && (await partsSoFar(page)) > landed.length) landed.push((Date.now() - clicked) / 1000);
      shown = text;
    }
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    await expect(page.getByTestId("status")).toHaveText(/^Recording: /);
    expect(await partsSoFar(page)).toBeGreaterThanOrEqual(3);
    const before = await settledTranscript(page);
    const parts = await partsSoFar(page);
    await expect(page.getByTestId("stop-recording")).toBeVisible();
    await page.getByTestId("stop-recording").click();
    const stopped = Date.now();
    await expect(page.getByTestId("status")).toHaveText(/^Done/, { timeout: 60_000 });
    const tailMs = Date.now() - stopped;
    const final = (await page.getByTestId("transcript").textContent())?.trim() ?? "";
    // What was shown before stop is kept as it was (not transcribed again); the tail comes after it.
    expect(final.startsWith(before)).toBe(true);
    await expect(page.getByTestId("segments").locator("li").first()).toBeVisible();
    expect(await page.getByTestId("segments").locator("li").count()).toBeGreaterThanOrEqual(1);
    // The recording is playable beside the text, as after a file.
    await expect.poll(() => page.getByTestId("player-audio").evaluate((audio: HTMLAudioElement) => audio.duration)).toBeGreaterThan(10);
    const afterPause = landed.map((at) => (at - 4.5) % 7);
    console.info(`[live-recording] text landed at ${landed.map((at) => at.toFixed(1)).join(", ")} s after Record: ${afterPause.map((delay) => delay.toFixed(1)).join(", ")} s after a pause began (model load in the first); ${parts} windows before stop; stop → Done ${(tailMs / 1000).toFixed(1)} s`);

    // One click runs the kept recording again in another language.
    await page.getByTestId("rerun-language").selectOption("de");
    await expect(page.getByTestId("status")).toHaveText(/^Done.*German/, { timeout: 60_000 });
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
  });

  test("memory stays flat while a recording runs for minutes", async ({ page }) => {
    test.setTimeout(360_000);
    await page.goto("/");
    await page.getByTestId("record").click();
    await expect(page.getByTestId("transcript")).not.toBeEmpty({ timeout: 90_000 });
    const timer = page.getByTestId("record-timer");
    await expect(timer).toHaveText(/^00:4\d/, { timeout: 60_000 });
    const early = await pageMemory(page);
    const earlyParts = await partsSoFar(page);
    await expect(timer).toHaveText(/^02:4\d/, { timeout: 180_000 });
    const late = await pageMemory(page);
    const lateParts = await partsSoFar(page);
    const growth = late.heap + late.buffers - (early.heap + early.buffers);
    console.info(
      `[live-recording] at 0:40 heap ${(early.heap / MB).toFixed(1)} MB + buffers ${(early.buffers / MB).toFixed(1)} MB (${earlyParts} windows); at 2:40 heap ${(late.heap / MB).toFixed(1)} MB + buffers ${(late.buffers / MB).toFixed(1)} MB (${lateParts} windows); growth ${(growth / MB).toFixed(2)} MB`,
    );
    // Two more minutes of 16 kHz Float32 samples kept in the page would add 7.3 MB; flat means well under half of that.
    expect(growth).toBeLessThan(3.5 * MB);
    expect(lateParts).toBeGreaterThan(earlyParts + 10);
    await page.getByTestId("stop-recording").click();
    await expect(page.getByTestId("status")).toHaveText(/^Done/, { timeout: 60_000 });
  });
});

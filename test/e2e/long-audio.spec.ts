import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { resample } from "../../lib/audio/format";
import { readWav, repeatToLength, writeWav } from "../support/wav";
import { clip, expect, test, transcribeClip } from "./fixtures";

const SAMPLE_RATE = 16_000;

/** What lib/audio/source-stats.ts leaves on the page in test builds. */
interface AudioStats {
  readonly decoder: string;
  readonly peakBufferedSamples: number;
  readonly reads: readonly { readonly start: number; readonly length: number; readonly sum: number }[];
}

async function audioStats(page: Page): Promise<AudioStats> {
  const raw: unknown = await page.evaluate(() => Reflect.get(globalThis, "__WHISPER_AUDIO_STATS__"));
  const decoder: unknown = typeof raw === "object" && raw !== null ? Reflect.get(raw, "decoder") : undefined;
  const peak: unknown = typeof raw === "object" && raw !== null ? Reflect.get(raw, "peakBufferedSamples") : undefined;
  const reads: unknown = typeof raw === "object" && raw !== null ? Reflect.get(raw, "reads") : undefined;
  if (typeof decoder !== "string" || typeof peak !== "number" || !Array.isArray(reads)) throw new Error(`no audio stats on the page (is this a NEXT_PUBLIC_TEST_HOOKS=1 build?): ${JSON.stringify(raw)}`);
  return {
    decoder,
    peakBufferedSamples: peak,
    reads: reads.map((read: unknown) => ({ start: Number(Reflect.get(Object(read), "start")), length: Number(Reflect.get(Object(read), "length")), sum: Number(Reflect.get(Object(read), "sum")) })),
  };
}

/**
 * The speech clip at 16 kHz repeated to `seconds`, as 32-bit float WAV: both decoders then read the
 * file's own samples without resampling or rounding. (With 16-bit WAV they differ by ~3e-5: Chromium's
 * decodeAudioData scales positive samples by 1/32767 and negative ones by 1/32768, mediabunny both
 * by 1/32768; enough to change a word of the fixture model's made-up text.)
 */
function speech16kFloat(seconds: number): string {
  const path = join(mkdtempSync(join(tmpdir(), "long-")), `speech-${seconds}s-16k-f32.wav`);
  const source = readWav(clip("speech-8k.wav"));
  const { samples } = repeatToLength({ sampleRate: SAMPLE_RATE, samples: resample(source.samples, source.sampleRate, SAMPLE_RATE) }, seconds);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write("WAVEfmt ", 8, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(3, 20); // WAVE_FORMAT_IEEE_FLOAT
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(32, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(samples.byteLength, 40);
  writeFileSync(path, Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]));
  return path;
}

/** A speech file of about `seconds`, made from the committed clip. */
function longSpeech(seconds: number): string {
  const path = join(mkdtempSync(join(tmpdir(), "long-")), `speech-${seconds}s.wav`);
  writeWav(path, repeatToLength(readWav(clip("speech-8k.wav")), seconds));
  return path;
}

test.describe("long audio", () => {
  test("a multi-window file shows progress per window, streams text, and finishes", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("file-input").setInputFiles(longSpeech(75));
    await expect(page.getByTestId("status")).toContainText("of 3");
    await expect(page.getByTestId("status")).toHaveText(/^Done: 75\.0 s of audio/, { timeout: 120_000 });
    const words = (await page.getByTestId("transcript").textContent())?.trim().split(/\s+/) ?? [];
    expect(words.length).toBeGreaterThan(20);
  });

  test("cancel stops within the window in flight and keeps the text so far", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("file-input").setInputFiles(longSpeech(300));
    await expect(page.getByTestId("status")).toContainText(/part [2-8] of 10/);
    const clicked = Date.now();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("status")).toContainText("Cancelled", { timeout: 10_000 });
    // Generous for a loaded 2-core machine; the model stops at its next decoder step.
    expect(Date.now() - clicked).toBeLessThan(5_000);
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
  });

  test("a file of minutes is decoded as a stream: the samples held stay about one window", async ({ page }) => {
    test.setTimeout(300_000);
    const seconds = 600;
    await page.goto("/");
    await page.getByTestId("file-input").setInputFiles(longSpeech(seconds));
    await expect(page.getByTestId("status")).toHaveText(/^Done: 600\.0 s of audio/, { timeout: 280_000 });
    const stats = await audioStats(page);
    expect(stats.decoder).toBe("stream");
    const window = 30 * SAMPLE_RATE;
    expect(stats.reads.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...stats.reads.map((read) => read.length))).toBeLessThanOrEqual(window);
    // The whole file is 9.6 M samples at 16 kHz; a stream holds a window and one decoded chunk.
    expect(stats.peakBufferedSamples).toBeGreaterThan(window / 2);
    expect(stats.peakBufferedSamples).toBeLessThan(window * 1.5);
    expect(stats.peakBufferedSamples).toBeLessThan((seconds * SAMPLE_RATE) / 5);
  });

  test("the stream and the whole-file decoder give the same windows and transcript", async ({ page }) => {
    const file = speech16kFloat(75);
    await page.goto("/");
    await page.getByTestId("file-input").setInputFiles(file);
    await expect(page.getByTestId("status")).toHaveText(/^Done: 75\.0 s of audio/, { timeout: 120_000 });
    const streamed = await audioStats(page);
    const streamedText = await page.getByTestId("transcript").textContent();

    await page.evaluate(() => Reflect.set(globalThis, "__WHISPER_TEST_DECODER__", "whole"));
    await page.getByTestId("file-input").setInputFiles(file);
    await expect(page.getByTestId("status")).toHaveText(/^Done: 75\.0 s of audio/, { timeout: 120_000 });
    const whole = await audioStats(page);
    expect(streamed.decoder).toBe("stream");
    expect(whole.decoder).toBe("browser");
    expect(whole.peakBufferedSamples).toBe(75 * SAMPLE_RATE);
    expect(streamed.reads.map(({ start, length }) => ({ start, length }))).toEqual(whole.reads.map(({ start, length }) => ({ start, length })));
    expect(streamed.reads.map((read) => read.sum)).toEqual(whole.reads.map((read) => read.sum));
    expect(streamedText?.trim()).not.toBe("");
    expect(await page.getByTestId("transcript").textContent()).toBe(streamedText);
  });

  test("a silent file yields an empty result with a clear message", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "silence.wav");
    await expect(page.getByTestId("status")).toContainText("No speech found");
    await expect(page.getByTestId("status")).toContainText("silent or too quiet");
    await expect(page.getByTestId("transcript")).toBeEmpty();
  });
});

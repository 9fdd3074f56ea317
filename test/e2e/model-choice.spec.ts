import type { Page } from "@playwright/test";
import { clip, expect, test, transcribeClip } from "./fixtures";

/** Emulates a device: navigator.deviceMemory (undefined removes it, as in Firefox) and core count. */
async function emulateDevice(page: Page, deviceMemory: number | undefined, cores = 8): Promise<void> {
  await page.addInitScript(
    ({ memory, cores: count }) => {
      Object.defineProperty(Navigator.prototype, "deviceMemory", { configurable: true, get: () => memory ?? undefined });
      Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { configurable: true, get: () => count });
    },
    { memory: deviceMemory ?? null, cores },
  );
}

const modelInfo = (page: Page) => page.getByTestId("model-info");

test.describe("the model is chosen from the device", () => {
  for (const [memory, expected] of [
    [1, /^Whisper tiny · WASM · q8.*1 GB/],
    [4, /^Whisper tiny · WASM · q8.*4 GB/],
    [8, /^Whisper base · WASM · q8.*8 GB/],
    [undefined, /^Whisper tiny · WASM · q8/],
  ] as const) {
    test(`deviceMemory ${memory ?? "undefined"} plans ${String(expected)}`, async ({ page }) => {
      await emulateDevice(page, memory);
      await page.goto("/");
      await expect(modelInfo(page)).toHaveText(expected);
      if (memory === 1) await expect(modelInfo(page)).not.toContainText("Fallbacks");
      if (memory === 8) await expect(modelInfo(page)).toContainText("Fallbacks: Whisper tiny · WASM · q8");
    });
  }

  test("high quality asks for base; the settings can force a model", async ({ page }) => {
    await emulateDevice(page, 4);
    await page.goto("/");
    await expect(modelInfo(page)).toContainText("Whisper tiny");
    await page.getByText("Model settings").click();
    await page.getByTestId("quality").selectOption("high");
    await expect(modelInfo(page)).toHaveText(/^Whisper base/);
    await page.getByTestId("quality").selectOption("medium");
    await page.getByTestId("model-override").selectOption("whisper-base");
    await expect(modelInfo(page)).toHaveText(/^Whisper base.*you chose Whisper base/);
    await page.reload();
    await expect(modelInfo(page)).toHaveText(/^Whisper base/);
  });
});

test.describe("stepping down instead of crashing", () => {
  test("a memory failure loading base falls back to tiny, which finishes the job", async ({ page, problems }) => {
    problems.allow(/Array buffer allocation failed/);
    await emulateDevice(page, 8);
    await page.addInitScript(() => {
      globalThis.__WHISPER_TEST_FAULT__ = { stage: "load", model: "whisper-base", message: "Array buffer allocation failed" };
    });
    await page.goto("/");
    await expect(modelInfo(page)).toHaveText(/^Whisper base/);
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("status")).toContainText("Done");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    await expect(page.getByTestId("notice")).toContainText("Whisper base · WASM · q8 ran out of memory, so Whisper tiny · WASM · q8 took over");
    // What was learned re-plans at once: tiny leads now, and model-info says why.
    await expect(modelInfo(page)).toHaveText(/^Whisper tiny · WASM · q8.*Whisper base ran out of memory on this device before/);
  });

  test("a memory failure while transcribing also steps down, and the next visit starts smaller", async ({ page }) => {
    await emulateDevice(page, 8);
    await page.addInitScript(() => {
      globalThis.__WHISPER_TEST_FAULT__ = { stage: "transcribe", model: "whisper-base", message: "Array buffer allocation failed" };
    });
    await page.goto("/");
    await transcribeClip(page, "speech.mp3");
    await expect(page.getByTestId("notice")).toContainText("ran out of memory");
    await page.reload();
    await expect(modelInfo(page)).toHaveText(/^Whisper tiny.*ran out of memory on this device before/);
    await page.getByText("Model settings").click();
    await page.getByRole("button", { name: "Forget what this device learned" }).click();
    await expect(modelInfo(page)).toHaveText(/^Whisper base/);
  });

  test("when the smallest model runs out of memory too, the user is told and the file stays selected", async ({ page }) => {
    await emulateDevice(page, 1);
    await page.addInitScript(() => {
      globalThis.__WHISPER_TEST_FAULT__ = { stage: "load", model: "whisper-tiny", message: "Array buffer allocation failed" };
    });
    await page.goto("/");
    await page.getByTestId("file-input").setInputFiles(clip("speech.ogg"));
    await expect(page.getByTestId("status")).toContainText("no smaller model to try");
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
  });

  test("a file that is not audio does not step down", async ({ page }) => {
    await emulateDevice(page, 8);
    await page.goto("/");
    await expect(modelInfo(page)).toHaveText(/^Whisper base/);
    await page.getByTestId("file-input").setInputFiles(clip("not-audio.txt"));
    await expect(page.getByTestId("status")).toContainText("not an audio or video file");
    await expect(page.getByTestId("notice")).toHaveCount(0);
    await page.reload();
    await expect(modelInfo(page)).toHaveText(/^Whisper base/);
  });

  test("a page killed while loading a model starts with the smaller one next time", async ({ page }) => {
    await emulateDevice(page, 8);
    // Hold base's weights forever, as a load that never finishes before the tab dies.
    let weightsRequested: () => void = () => undefined;
    const requested = new Promise<void>((resolve) => {
      weightsRequested = resolve;
    });
    await page.route("**/models/whisper-base/onnx/**", () => weightsRequested());
    await page.goto("/");
    await expect(modelInfo(page)).toHaveText(/^Whisper base/);
    await page.getByTestId("file-input").setInputFiles(clip("speech.ogg"));
    await requested;
    await page.unrouteAll({ behavior: "ignoreErrors" });
    await page.reload();
    await expect(page.getByTestId("notice")).toContainText("stopped while loading Whisper base");
    await expect(modelInfo(page)).toHaveText(/^Whisper tiny/);
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
  });
});

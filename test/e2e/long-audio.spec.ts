import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readWav, repeatToLength, writeWav } from "../support/wav";
import { clip, expect, test, transcribeClip } from "./fixtures";

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

  test("a silent file yields an empty result with a clear message", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "silence.wav");
    await expect(page.getByTestId("status")).toContainText("No speech found");
    await expect(page.getByTestId("status")).toContainText("silent or too quiet");
    await expect(page.getByTestId("transcript")).toBeEmpty();
  });
});

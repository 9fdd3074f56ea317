import { CHROMIUM_ARGS, findChromium } from "../support/chromium";
import { clip, expect, test } from "./fixtures";

// Chromium's fake microphone plays a committed speech clip.
test.use({
  launchOptions: {
    executablePath: findChromium(),
    args: [
      ...CHROMIUM_ARGS,
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${clip("speech-stereo-22k.wav")}`,
    ],
  },
});

test("a recording from the (fake) microphone is transcribed, with pause and resume", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("record").click();
  await expect(page.getByTestId("record-timer")).toHaveText(/^00:0[1-9]/, { timeout: 10_000 });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("record-timer")).toHaveText(/^00:0[3-9]/, { timeout: 10_000 });
  await page.getByTestId("stop-recording").click();
  await expect(page.getByTestId("status")).toHaveText(/^Done/, { timeout: 120_000 });
  await expect(page.getByTestId("transcript")).not.toBeEmpty();
});

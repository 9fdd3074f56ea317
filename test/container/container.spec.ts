// The container check: the page served by the image transcribes the fixture clip with the fixture
// model mounted at WHISPER_MODELS_DIR, and the relay in the same container answers /healthz.
// Run by scripts/container-test.sh, which gives it CONTAINER_URL (and CONTAINER_RELAY_URL).
import { expect, test, transcribeClip } from "../e2e/fixtures";

const appUrl = process.env.CONTAINER_URL;
const relayUrl = process.env.CONTAINER_RELAY_URL;

test("the container's page transcribes a WAV with the mounted model, and its relay is healthy", async ({ page, problems, request }) => {
  // Only scripts/container-test.sh runs this spec (its own Playwright config); without the URL it must fail, not pass.
  expect(appUrl, "CONTAINER_URL is set by scripts/container-test.sh").toBeTruthy();
  await page.goto("/");
  await expect(page.getByTestId("status")).toContainText("Choose or drop");
  expect(await page.evaluate(() => crossOriginIsolated), "COOP/COEP survive the standalone server").toBe(true);

  await transcribeClip(page, "speech-8k.wav");
  await expect(page.getByTestId("status")).toContainText("Done");
  await expect(page.getByTestId("transcript")).not.toBeEmpty();
  await expect(page.getByTestId("model-info")).toContainText("Whisper tiny");
  expect(problems.consoleErrors).toEqual([]);

  if (relayUrl !== undefined && relayUrl !== "") {
    const health = await request.get(`${relayUrl}/healthz`);
    expect(health.ok()).toBe(true);
  }
});

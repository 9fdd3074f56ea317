// Playwright config for the container check only (scripts/container-test.sh): it drives the system
// Chromium against an already running container at CONTAINER_URL and starts no server of its own.
// The ordinary `npx playwright test` reads ../../playwright.config.ts, whose testDir (test/e2e) does
// not include this folder.
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../support/chromium";

export default defineConfig({
  testDir: ".",
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: process.env.CONTAINER_URL,
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS] },
    trace: "off",
  },
});

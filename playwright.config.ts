import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./test/support/chromium";

const port = Number(process.env.E2E_PORT ?? 3210);
const relayPort = Number(process.env.E2E_RELAY_PORT ?? 3211);

export default defineConfig({
  testDir: "test/e2e",
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS] },
    trace: "off",
  },
  webServer: {
    // The production build, started as the server process itself so it can be stopped by PID.
    command: `node node_modules/next/dist/bin/next start -H 127.0.0.1 -p ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      WHISPER_MODELS_DIR: process.env.E2E_MODELS_DIR ?? "test/fixtures/models",
      RELAY_PORT: String(relayPort),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});

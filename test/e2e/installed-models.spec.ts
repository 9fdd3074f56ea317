/**
 * A self-hosted model folder that holds only some models: the page plans only what is there, says
 * why, offers only those models, and transcribes with them. Each folder needs its own server (the
 * config's web server has one fixed folder), so each describe starts `next start` on its own port
 * with a temporary WHISPER_MODELS_DIR (./app-server.ts) and stops it by PID.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./app-server";
import { emulateMemory } from "./device-emulation";
import { clip, expect, test, transcribeClip } from "./fixtures";

const FIXTURE_MODELS = join(__dirname, "..", "fixtures", "models");
const CONFIG_FILES = ["config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json"];
const Q8 = ["encoder_model_quantized.onnx", "decoder_model_merged_quantized.onnx"];

/** A temporary model folder with, per model, its config files and the given onnx files (copied: the route serves no link that leaves the folder). */
function modelFolder(models: Readonly<Record<string, readonly string[]>>): string {
  const dir = mkdtempSync(join(tmpdir(), "installed-models-"));
  for (const [model, onnx] of Object.entries(models)) {
    mkdirSync(join(dir, model, "onnx"), { recursive: true });
    for (const file of CONFIG_FILES) copyFileSync(join(FIXTURE_MODELS, model, file), join(dir, model, file));
    for (const file of onnx) copyFileSync(join(FIXTURE_MODELS, model, "onnx", file), join(dir, model, "onnx", file));
  }
  return dir;
}

/** Starts the production server on a fresh port with `modelsDir`; resolves once it answers. */
function startServer(modelsDir: string): Promise<AppServer> {
  return startAppServer({ WHISPER_MODELS_DIR: modelsDir });
}

async function offeredModels(page: Page): Promise<string[]> {
  await page.getByText("Model settings").click();
  return page.getByTestId("model-override").locator("option").allTextContents();
}

/** One folder, one server for the tests inside `body`. */
function withFolder(title: string, models: Readonly<Record<string, readonly string[]>>, body: (server: () => string) => void): void {
  test.describe(title, () => {
    let server: AppServer | null = null;
    let dir = "";
    test.beforeAll(async () => {
      test.setTimeout(120_000);
      dir = modelFolder(models);
      server = await startServer(dir);
    });
    test.afterAll(() => {
      server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    body(() => server?.url ?? "");
  });
}

withFolder("a folder holding only whisper-base", { "whisper-base": Q8 }, (url) => {
  test("plans base where tiny was wanted, says why, offers only base and transcribes", async ({ page }) => {
    await emulateMemory(page, 4);
    await page.goto(`${url()}/`);
    await expect(page.getByTestId("model-info")).toHaveText(/^Whisper base · WASM · q8\. Whisper tiny is not installed on this server, so Whisper base · WASM · q8\./);
    expect(await offeredModels(page)).toEqual(["Choose for this device", "Whisper base"]);
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("status")).toHaveText(/^Done/);
  });
});

withFolder("a folder holding only whisper-tiny in q8", { "whisper-tiny": Q8 }, (url) => {
  test("plans tiny where base was wanted, says why, offers only tiny and transcribes", async ({ page }) => {
    await emulateMemory(page, 8);
    await page.goto(`${url()}/`);
    await expect(page.getByTestId("model-info")).toHaveText(/^Whisper tiny · WASM · q8\. Whisper base is not installed on this server, so Whisper tiny · WASM · q8\./);
    expect(await offeredModels(page)).toEqual(["Choose for this device", "Whisper tiny"]);
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("status")).toHaveText(/^Done/);
  });
});

withFolder("a folder holding both", { "whisper-tiny": Q8, "whisper-base": Q8 }, (url) => {
  test("plans as usual and offers both", async ({ page }) => {
    await emulateMemory(page, 8);
    await page.goto(`${url()}/`);
    await expect(page.getByTestId("model-info")).toHaveText(/^Whisper base · WASM · q8\. Whisper base on WASM: /);
    await expect(page.getByTestId("model-info")).not.toContainText("not installed");
    expect(await offeredModels(page)).toEqual(["Choose for this device", "Whisper tiny", "Whisper base"]);
  });
});

withFolder("a folder holding nothing usable", { "whisper-tiny": ["encoder_model_quantized.onnx"] }, (url) => {
  test("says so once, when the page opens", async ({ page }) => {
    await page.goto(`${url()}/`);
    await expect(page.getByTestId("status")).toContainText("holds no Whisper model this app can run");
    await expect(page.getByTestId("model-info")).toContainText("holds no Whisper model this app can run");
  });
});

test.describe("a folder whose only decoder is damaged", () => {
  let server: AppServer | null = null;
  let dir = "";
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    dir = modelFolder({ "whisper-tiny": Q8 });
    writeFileSync(join(dir, "whisper-tiny", "onnx", "decoder_model_merged_quantized.onnx"), "not an onnx model");
    server = await startServer(dir);
  });
  test.afterAll(() => {
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the status is a sentence; the runtime's text is only in Details", async ({ page, problems }) => {
    problems.allow(/./);
    await emulateMemory(page, 4);
    await page.goto(`${server?.url ?? ""}/`);
    await page.getByTestId("file-input").setInputFiles(clip("speech.ogg"));
    const status = page.getByTestId("status");
    await expect(status).toContainText("could not be downloaded", { timeout: 120_000 });
    await expect(status).not.toContainText(/protobuf|ERROR_CODE|Can't create a session/);
    const details = page.getByTestId("error-details");
    await details.locator("summary").click();
    await expect(details).toContainText(/protobuf|Can't create a session|ERROR_CODE/i);
  });
});

test("the fixture folder is what these tests copy from", () => {
  expect(readdirSync(join(FIXTURE_MODELS, "whisper-tiny", "onnx"))).toEqual(expect.arrayContaining(Q8));
});

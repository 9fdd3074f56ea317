import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "@playwright/test";
import { clip, expect, test, transcribeClip } from "./fixtures";

/** Waits until the service worker is active and controls the page (it claims the page on first install). */
async function untilServiceWorkerControls(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await expect(page.getByTestId("offline-status")).toHaveAttribute("data-state", "ready");
}

interface FailedRequests {
  /** Requests of the page and its workers that failed: there must be none. */
  readonly page: string[];
  /** The service worker's own network attempts that failed (network first, then its cache). */
  readonly serviceWorker: string[];
}

/** Records requests that fail from now on, split by who made them. */
function recordFailedRequests(context: BrowserContext): FailedRequests {
  const failed: FailedRequests = { page: [], serviceWorker: [] };
  context.on("requestfailed", (request) => {
    const line = `${request.method()} ${request.url()}: ${request.failure()?.errorText ?? "failed"}`;
    (request.serviceWorker() === null ? failed.page : failed.serviceWorker).push(line);
  });
  return failed;
}

/** Nothing the page asked for failed; the service worker only tried the network for pages before serving its copy. */
function expectNothingFailedThePage(failed: FailedRequests): void {
  expect(failed.page, "requests of the page that failed while offline").toEqual([]);
  for (const line of failed.serviceWorker) expect(line, "the service worker's failed network tries are page loads only").toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/(\?[^ ]*)?: /);
}

async function openStoragePanel(page: Page): Promise<void> {
  const panel = page.getByTestId("storage-panel");
  if ((await panel.getAttribute("open")) === null) await panel.locator("summary").click();
}

/** Goes offline and reloads; proves the page came from the service worker's cache, not the server. */
async function reloadOffline(page: Page, failed: FailedRequests): Promise<void> {
  const offlineSince = Date.now();
  await page.context().setOffline(true);
  const response = await page.reload();
  expect(response?.fromServiceWorker(), "the service worker answered the navigation").toBe(true);
  // Fresh HTML would carry a Date from now; the cached page is from the first visit.
  expect(Date.parse(response?.headers().date ?? "")).toBeLessThan(offlineSince - 1000);
  // The network is really gone: the service worker's network-first try for the page failed.
  // (navigator.onLine proves nothing here: Chromium 150 reads true again after a reload under
  // Playwright's offline emulation, while every request still fails; the app never reads it.)
  await expect.poll(() => failed.serviceWorker.filter((line) => line.includes("ERR_INTERNET_DISCONNECTED")).length, { message: "the service worker tried the network and found it gone" }).toBeGreaterThan(0);
  expect(await page.evaluate(() => crossOriginIsolated), "the cached page keeps COOP/COEP").toBe(true);
  await untilServiceWorkerControls(page);
}

test.describe("offline-first", () => {
  test("after one online visit, the app reloads and transcribes offline", async ({ page, context }) => {
    await page.goto("/");
    await untilServiceWorkerControls(page);
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();

    // The first transcription stored the model, once, in transformers.js' cache.
    await openStoragePanel(page);
    await expect(page.getByTestId("cached-model")).toHaveCount(1);
    await expect(page.getByTestId("cached-model")).toHaveAttribute("data-model", "whisper-tiny");
    await expect(page.getByTestId("storage-usage")).toContainText(/stores \d/);
    const swCopies = await page.evaluate(async () => {
      const names = (await caches.keys()).filter((name) => name !== "transformers-cache");
      const urls = await Promise.all(names.map(async (name) => (await (await caches.open(name)).keys()).map((request) => request.url)));
      return urls.flat().filter((url) => url.includes("/models/"));
    });
    expect(swCopies, "the service worker keeps no second copy of model files").toEqual([]);

    const failed = recordFailedRequests(context);
    await reloadOffline(page, failed);
    await transcribeClip(page, "speech-8k.wav");
    await expect(page.getByTestId("status")).toContainText("Done");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    expectNothingFailedThePage(failed);
  });

  test("“make available offline” stores the planned model; a file shared while offline is transcribed", async ({ page, context }) => {
    await page.goto("/");
    await untilServiceWorkerControls(page);
    await openStoragePanel(page);
    await expect(page.getByTestId("no-cached-models")).toBeVisible();
    await page.getByTestId("make-offline").click();
    await expect(page.getByTestId("download-status")).toContainText("works offline");
    await expect(page.getByTestId("cached-model")).toHaveAttribute("data-model", "whisper-tiny");

    const failed = recordFailedRequests(context);
    await reloadOffline(page, failed);

    // Simulate another app sharing a voice note: the browser POSTs it to the share target.
    await page.evaluate(() => {
      const form = document.createElement("form");
      form.id = "share-form";
      form.method = "post";
      form.enctype = "multipart/form-data";
      form.action = "/share-target";
      const title = document.createElement("input");
      title.name = "title";
      title.value = "Voice message";
      const input = document.createElement("input");
      input.type = "file";
      input.name = "audio";
      form.append(title, input);
      document.body.append(form);
    });
    await page.locator("#share-form input[type=file]").setInputFiles({ name: "voice-message.ogg", mimeType: "audio/ogg", buffer: readFileSync(clip("speech.ogg")) });
    const shared = page.waitForResponse((response) => response.url().endsWith("/share-target") && response.request().method() === "POST");
    await page.evaluate(() => document.querySelector<HTMLFormElement>("#share-form")?.submit());
    expect((await shared).fromServiceWorker(), "the service worker took the shared file; nothing was uploaded").toBe(true);

    await expect(page.getByTestId("status")).toHaveText(/^Done/, { timeout: 120_000 });
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    expect(new URL(page.url()).search, "the share id is removed from the address").toBe("");
    expectNothingFailedThePage(failed);

    // The user controls storage: delete the model again.
    await openStoragePanel(page);
    await page.getByRole("button", { name: "Delete Whisper tiny" }).click();
    await expect(page.getByTestId("no-cached-models")).toBeVisible();
    expect(await page.evaluate(async () => (await (await caches.open("transformers-cache")).keys()).length)).toBe(0);
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { clip, expect, test, transcribeClip } from "./fixtures";

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a" || bytes.subarray(12, 16).toString("latin1") !== "IHDR") throw new Error("not a PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The built service worker that `next start` serves (scripts/build-sw.mjs). */
const SW_FILE = join(__dirname, "..", "..", "public", "sw.js");

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

async function untilControlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test.describe("installable", () => {
  test("the manifest is valid, its icons load, and the service worker controls the page after a reload", async ({ page, request }) => {
    await page.goto("/");
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBe("/manifest.webmanifest");
    const response = await request.get("/manifest.webmanifest");
    expect(response.ok()).toBe(true);
    expect(response.headers()["content-type"]).toContain("application/manifest+json");
    const manifest = await response.json();
    expect(manifest).toMatchObject({
      name: expect.stringContaining("Voice to text"),
      short_name: "Voice to text",
      description: expect.any(String),
      start_url: "/",
      display: "standalone",
      theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
      background_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
      share_target: { action: "/share-target", method: "POST", enctype: "multipart/form-data" },
    });
    const accept: string[] = manifest.share_target.params.files[0].accept;
    expect(accept).toEqual(expect.arrayContaining(["audio/*", "video/*"]));

    const icons: ManifestIcon[] = manifest.icons;
    expect(icons.map((icon) => `${icon.sizes} ${icon.purpose ?? "any"}`).sort()).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);
    for (const icon of icons) {
      const image = await request.get(icon.src);
      expect(image.ok(), icon.src).toBe(true);
      expect(image.headers()["content-type"]).toBe("image/png");
      const [width, height] = icon.sizes.split("x").map(Number);
      expect(pngSize(await image.body()), icon.src).toEqual({ width, height });
    }

    await untilControlled(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
    await expect(page.getByTestId("offline-status")).toHaveAttribute("data-state", "ready");

    // Chromium's own installability verdict.
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    // Playwright's contexts are incognito windows, which Chromium never offers to install from; nothing else may be missing.
    expect(installabilityErrors.filter((error) => error.errorId !== "in-incognito")).toEqual([]);
  });

  test("a new version waits and offers “update available — reload” instead of taking over", async ({ page }) => {
    await page.goto("/");
    await untilControlled(page);
    await expect(page.getByTestId("offline-status")).toHaveAttribute("data-state", "ready");

    // Deploy a "new version": the served service worker changes by a byte. (Playwright cannot route
    // the browser's own update check, so the built file itself changes, and is restored after.)
    const original = readFileSync(SW_FILE);
    try {
      writeFileSync(SW_FILE, Buffer.concat([original, Buffer.from("\n// next version\n")]));
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      await expect(page.getByTestId("update-banner")).toContainText("Update available");
    } finally {
      writeFileSync(SW_FILE, original);
    }
    // It waits: the old version still controls this page until the user reloads.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe("installed");

    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Reload" }).click()]);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    await expect(page.getByTestId("offline-status")).toHaveAttribute("data-state", "ready");
    await expect(page.getByTestId("update-banner")).toHaveCount(0);
  });
});

test.describe("where service workers do not run (Telegram's in-app browser on iOS, private windows)", () => {
  test.use({ serviceWorkers: "block" });

  test("the app transcribes online, says offline use is unavailable, and explains a share it cannot take", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("offline-status")).toContainText("Offline use is unavailable");
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("status")).toContainText("Done");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    await expect(page.getByText("Something went wrong")).toHaveCount(0);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();

    // A share that reaches the server (no service worker caught it) is not uploaded anywhere: the page explains.
    await page.evaluate(() => {
      const form = document.createElement("form");
      form.id = "share-form";
      form.method = "post";
      form.enctype = "multipart/form-data";
      form.action = "/share-target";
      const input = document.createElement("input");
      input.type = "file";
      input.name = "audio";
      form.append(input);
      document.body.append(form);
    });
    await page.locator("#share-form input").setInputFiles({ name: "voice.ogg", mimeType: "audio/ogg", buffer: readFileSync(clip("speech.ogg")) });
    await page.evaluate(() => document.querySelector<HTMLFormElement>("#share-form")?.submit());
    await expect(page.getByTestId("share-notice")).toContainText("Choose the file");
    await expect(page.getByTestId("offline-status")).toContainText("Offline use is unavailable");
  });
});

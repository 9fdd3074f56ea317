/**
 * The screen holds still while a transcript streams in: the cumulative layout shift (the browser's
 * own `layout-shift` entries, a layout measure, not a timing) from picking a file until the run is
 * done stays below 0.1 at phone width (390×844) and desktop width, and the sources of any shift are
 * printed so a regression names the element that moved. Screenshots at both widths, light and dark,
 * go to SCREENS_DIR when it is set (outside the repository).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { initDataFor, testUser } from "../support/fake-bot-api";
import { readWav, repeatToLength, writeWav } from "../support/wav";
import { clip, expect, test } from "./fixtures";

/** What the observer below records for each layout shift. */
interface Shift {
  readonly value: number;
  readonly recentInput: boolean;
  readonly sources: readonly string[];
  /** The viewport and page size when it was reported. */
  readonly page: string;
}

// Plain JavaScript, run before the page's own scripts: every layout shift, with what moved and where.
const RECORD_SHIFTS = `
  window.__layoutShifts = [];
  const describe = (node) => {
    if (!node) return "(gone)";
    if (node.nodeType !== 1) return "#text in " + describe(node.parentElement);
    const id = node.getAttribute("data-testid");
    const cls = node.getAttribute("class");
    return node.tagName.toLowerCase() + (id ? "[data-testid=" + id + "]" : "") + (cls ? "." + cls.trim().split(/\\s+/).join(".") : "");
  };
  const rect = (r) => Math.round(r.x) + "," + Math.round(r.y) + " " + Math.round(r.width) + "x" + Math.round(r.height);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__layoutShifts.push({
        value: entry.value,
        recentInput: entry.hadRecentInput,
        sources: (entry.sources || []).map((source) => describe(source.node) + " " + rect(source.previousRect) + " -> " + rect(source.currentRect)),
        page: "viewport " + document.documentElement.clientWidth + "x" + document.documentElement.clientHeight + ", page " + document.documentElement.scrollWidth + "x" + document.documentElement.scrollHeight,
      });
    }
  }).observe({ type: "layout-shift", buffered: true });
`;

async function shifts(page: Page): Promise<Shift[]> {
  const raw: unknown = await page.evaluate(() => Reflect.get(globalThis, "__layoutShifts"));
  if (!Array.isArray(raw)) throw new Error("the layout-shift observer did not run");
  return raw.map((entry: unknown) => {
    const record = Object(entry);
    const sources: unknown = Reflect.get(record, "sources");
    return {
      value: Number(Reflect.get(record, "value")),
      recentInput: Reflect.get(record, "recentInput") === true,
      sources: Array.isArray(sources) ? sources.map(String) : [],
      page: String(Reflect.get(record, "page")),
    };
  });
}

/** The sum of the shifts not caused by input: at least the CLS the browser would report for them. */
function cumulative(list: readonly Shift[]): number {
  return list.filter((shift) => !shift.recentInput).reduce((sum, shift) => sum + shift.value, 0);
}

/** Speech repeated to `seconds` (several 30 s windows, so the text streams in parts). */
function longSpeech(seconds: number): string {
  const path = join(mkdtempSync(join(tmpdir(), "cls-")), `speech-${seconds}s.wav`);
  writeWav(path, repeatToLength(readWav(clip("speech-8k.wav")), seconds));
  return path;
}

const SCREENS_DIR = process.env.SCREENS_DIR;

const WIDTHS = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "desktop", viewport: { width: 1280, height: 900 } },
] as const;

for (const { name, viewport } of WIDTHS) {
  test.describe(`layout while text streams (${name}, ${viewport.width}×${viewport.height})`, () => {
    test.use({ viewport });

    test("no layout shift from picking a file until the transcript is done", async ({ page }) => {
      await page.addInitScript({ content: RECORD_SHIFTS });
      await page.goto("/");
      // The device probe's answer is part of loading, not of the run.
      await expect(page.getByTestId("model-info")).toHaveText(/^Whisper /);
      await expect(page.getByTestId("status")).toHaveText(/^Choose or drop/);
      const loaded = await shifts(page);
      const atLoad = cumulative(loaded);
      const before = loaded.length;

      await page.getByTestId("file-input").setInputFiles(longSpeech(65));
      await expect(page.getByTestId("status")).toHaveText(/^Transcribing part/, { timeout: 120_000 });
      await expect(page.getByTestId("transcript")).not.toBeEmpty({ timeout: 120_000 });
      await expect(page.getByTestId("status")).toHaveText(/^Done/, { timeout: 180_000 });
      await expect(page.getByTestId("segments")).toBeVisible();
      // Layout shifts are reported after the frame that made them.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

      const during = (await shifts(page)).slice(before);
      const cls = cumulative(during);
      console.log(`${name} ${viewport.width}x${viewport.height}: CLS at load ${atLoad.toFixed(4)}, while streaming ${cls.toFixed(4)} (${during.length} shifts)`);
      for (const shift of loaded) console.log(`  at load ${shift.value.toFixed(4)} [${shift.page}]: ${shift.sources.join(" | ")}`);
      for (const shift of during) console.log(`  ${shift.value.toFixed(4)}${shift.recentInput ? " (input)" : ""} [${shift.page}]: ${shift.sources.join(" | ")}`);
      expect(cls).toBeLessThan(0.1);
      expect(atLoad).toBeLessThan(0.1);

      // Nothing wider than the screen: no sideways scrolling at either width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      if (SCREENS_DIR !== undefined) await page.screenshot({ path: join(SCREENS_DIR, `${name}-light.png`), fullPage: true });
    });

    test("dark theme follows the system, and the screen fits", async ({ page }) => {
      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto("/");
      await expect(page.getByTestId("model-info")).not.toBeEmpty();
      const colors = await page.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor, fg: getComputedStyle(document.body).color }));
      expect(colors).toEqual({ bg: "rgb(21, 23, 28)", fg: "rgb(232, 234, 238)" });
      await page.getByTestId("file-input").setInputFiles(clip("speech.ogg"));
      await expect(page.getByTestId("status")).toHaveText(/^Done/, { timeout: 120_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      if (SCREENS_DIR !== undefined) await page.screenshot({ path: join(SCREENS_DIR, `${name}-dark.png`), fullPage: true });

      await page.emulateMedia({ colorScheme: "light" });
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(246, 247, 249)");
    });
  });
}

test.describe("Telegram's theme", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the Mini App takes its colours from the launch's themeParams over the system's, and follows a live theme change", async ({ page, problems }) => {
    // No relay runs for this spec: the Mini App's link attempt cannot connect, which the panel reports.
    problems.allow(/ERR_CONNECTION_REFUSED|Failed to load resource/);
    await page.emulateMedia({ colorScheme: "light" });
    const dark = { bg_color: "#17212b", text_color: "#f5f5f5", hint_color: "#708499", button_color: "#5288c1", button_text_color: "#ffffff", secondary_bg_color: "#232e3c" };
    const initData = initDataFor("123456:theme-test-token-not-a-real-bot-token", testUser(9101, "Tema"));
    await page.goto(`/#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=7.10&tgWebAppPlatform=android&tgWebAppThemeParams=${encodeURIComponent(JSON.stringify(dark))}`);
    await expect(page.locator("html")).toHaveAttribute("data-telegram", "android");
    const read = (): Promise<{ bg: string; fg: string; scheme: string; card: string }> =>
      page.evaluate(() => ({
        bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.body).color,
        scheme: getComputedStyle(document.documentElement).colorScheme,
        card: getComputedStyle(document.querySelector(".drop-zone") ?? document.body).backgroundColor,
      }));
    expect(await read()).toEqual({ bg: "rgb(23, 33, 43)", fg: "rgb(245, 245, 245)", scheme: "dark", card: "rgb(35, 46, 60)" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    if (SCREENS_DIR !== undefined) await page.screenshot({ path: join(SCREENS_DIR, "phone-telegram-dark.png"), fullPage: true });

    // The user switches Telegram to its light theme while the app is open.
    await page.evaluate(() => {
      const receive: unknown = Reflect.get(Object(Reflect.get(Object(Reflect.get(globalThis, "Telegram")), "WebView")), "receiveEvent");
      if (typeof receive !== "function") throw new Error("no Telegram.WebView.receiveEvent on the page");
      receive("theme_changed", { theme_params: { bg_color: "#ffffff", text_color: "#000000", hint_color: "#999999", button_color: "#3390ec", button_text_color: "#ffffff", secondary_bg_color: "#f1f1f1" } });
    });
    await expect.poll(read).toEqual({ bg: "rgb(255, 255, 255)", fg: "rgb(0, 0, 0)", scheme: "light", card: "rgb(241, 241, 241)" });
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { toHistoryFile } from "../../lib/history/history-file";
import { generateRecords } from "../support/generated-history";
import { clip, expect, test, transcribeClip } from "./fixtures";
import { player, playFromLastSegment } from "./player";

test.describe("the workspace", () => {
  test("exports download TXT, SRT, VTT and JSON with the right content", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "speech.ogg");
    const text = (await page.getByTestId("transcript").textContent())?.trim() ?? "";
    expect(text).not.toBe("");

    const contents: Record<string, string> = {};
    for (const format of ["txt", "srt", "vtt", "json"]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`export-${format}`).click()]);
      expect(download.suggestedFilename()).toBe(`speech.${format}`);
      contents[format] = readFileSync(await download.path(), "utf8");
    }
    expect(contents.txt?.trim()).toBe(text);
    expect(contents.srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d\n/);
    expect(contents.vtt).toMatch(/^WEBVTT\n\n\d\d:\d\d:\d\d\.\d\d\d --> /);
    const json: unknown = JSON.parse(contents.json ?? "null");
    expect(json).toMatchObject({ text, duration: expect.any(Number), segments: expect.any(Array) });

    // With the audio at hand the segments are listed beside the player at once (they used to wait for "Show timestamps").
    await expect(page.getByTestId("segments").locator("li").first()).toContainText("00:00");
  });

  test("history keeps transcripts across a reload: open, search, rename, delete", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "speech.mp3");
    const text = (await page.getByTestId("transcript").textContent())?.trim() ?? "";
    await page.reload();
    await page.getByText(/History on this device/).click();
    const items = page.getByTestId("history-item");
    await expect(items).toHaveCount(1);
    await expect(items.first().getByRole("button", { name: "speech", exact: true })).toBeVisible();

    const word = text.split(/\s+/)[0] ?? "";
    await page.getByPlaceholder("Search transcripts").fill(word);
    await expect(items).toHaveCount(1);
    await page.getByPlaceholder("Search transcripts").fill("zzzz-no-such-words");
    await expect(items).toHaveCount(0);
    await page.getByPlaceholder("Search transcripts").fill("");

    await items.first().getByRole("button", { name: "speech", exact: true }).click();
    await expect(page.getByRole("heading", { name: "speech", exact: true })).toBeVisible();
    await expect(page.getByTestId("transcript")).toHaveText(text);
    await page.getByRole("button", { name: "Back" }).click();

    await items.first().getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("New title").fill("Meeting notes");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(items.first()).toContainText("Meeting notes");
    await page.reload();
    await page.getByText(/History on this device/).click();
    await expect(items.first()).toContainText("Meeting notes");
    await items.first().getByRole("button", { name: "Delete Meeting notes" }).click();
    await expect(items).toHaveCount(0);
  });

  test("a segment corrected in place: exports use the correction at the original times, it says so, undo, kept in history", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "speech.ogg");
    const original = (await page.getByTestId("transcript").textContent())?.trim() ?? "";
    const srtBefore = await exported(page, "srt");
    await expect(page.getByTestId("edited-note")).toHaveCount(0);

    await page.getByRole("button", { name: "Edit text" }).click();
    const first = page.getByTestId("segments").locator("textarea").first();
    await first.fill("Corrected by hand");
    await first.press("Enter");
    await expect(page.getByTestId("edited-note")).toBeVisible();
    await expect(page.getByTestId("transcript")).toContainText("Corrected by hand");

    const srt = await exported(page, "srt");
    const timing = (doc: string): string[] => doc.split("\n").filter((line) => line.includes(" --> "));
    expect(timing(srt)).toEqual(timing(srtBefore));
    expect(srt.split("\n")[2]).toBe("Corrected by hand");
    expect((await exported(page, "txt")).startsWith("Corrected by hand")).toBe(true);
    expect(JSON.parse(await exported(page, "json"))).toMatchObject({ metadata: { edited: true } });

    await page.getByRole("button", { name: "Undo" }).click();
    await expect(page.getByTestId("edited-note")).toHaveCount(0);
    await expect(page.getByTestId("transcript")).toHaveText(original);
    await expect(page.getByRole("button", { name: "Undo" })).toBeDisabled();

    await first.fill("Kept after reload");
    await first.blur();
    await expect(page.getByTestId("edited-note")).toBeVisible();
    await page.reload();
    await page.getByText(/History on this device/).click();
    await page.getByTestId("history-item").first().getByRole("button", { name: "speech", exact: true }).click();
    await expect(page.getByTestId("edited-note")).toBeVisible();
    await expect(page.getByTestId("transcript")).toContainText("Kept after reload");
  });

  test("the player beside the text: a segment seeks, the one playing is marked, Space and the arrows, visible focus", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "speech.ogg");
    const { segments, state } = player(page);
    await expect.poll(async () => (await state()).duration).toBeGreaterThan(1);

    const last = await playFromLastSegment(page);

    // Focus reached by the keyboard, as :focus-visible asks (a click or focus() after one is not "visible").
    await page.keyboard.press("Tab");
    await page.keyboard.press("Shift+Tab");
    await expect(last.getByRole("button", { name: /^Play from/ })).toBeFocused();
    expect(await page.evaluate(() => (document.activeElement === null ? "" : getComputedStyle(document.activeElement).outlineStyle))).toBe("solid");
    await page.keyboard.press("Space");
    await expect.poll(async () => (await state()).paused).toBe(false);
    await expect(page.getByTestId("player-toggle")).toHaveAccessibleName("Pause");
    await page.keyboard.press("Space");
    await expect.poll(async () => (await state()).paused).toBe(true);

    await segments.first().getByRole("button", { name: /^Play from/ }).click();
    const before = (await state()).time;
    await page.keyboard.press("ArrowRight");
    await expect.poll(async () => (await state()).time).toBeCloseTo(Math.min(before + 5, (await state()).duration), 0);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(async () => (await state()).time).toBeLessThan(before + 0.5);
    await expect(segments.first()).toHaveAttribute("aria-current", "true");
  });

  test("one click runs the same file again in another language", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "speech.mp3");
    await page.getByTestId("rerun-language").selectOption("de");
    await expect(page.getByTestId("status")).toHaveText(/^Done: .*\(German\)\.$/, { timeout: 120_000 });
    await expect(page.getByTestId("rerun-language").locator("option", { hasText: "German" })).toHaveCount(0);
  });

  test("a history of 1,000 imported from one file opens and searches quickly, exports back whole, and a second import adds nothing", async ({ page }, testInfo) => {
    const file = testInfo.outputPath("history.json");
    writeFileSync(file, toHistoryFile(generateRecords(1_000)));
    await page.goto("/");
    await page.getByText(/History on this device/).click();
    await page.getByTestId("history-import").setInputFiles(file);
    await expect(page.getByTestId("history-transfer-status")).toHaveText("Imported 1000 transcripts: 1000 new, 0 updated, 0 already here.", { timeout: 60_000 });

    await page.reload();
    const items = page.getByTestId("history-item");
    const openStarted = Date.now();
    await page.getByText(/History on this device/).click();
    await expect(items).toHaveCount(50);
    await expect(page.getByText("History on this device (1000)")).toBeVisible();
    const openMs = Date.now() - openStarted;
    const searchStarted = Date.now();
    await page.getByPlaceholder("Search transcripts").fill("marker517x");
    await expect(items).toHaveCount(1);
    const searchMs = Date.now() - searchStarted;
    await expect(items.first()).toContainText("Interview 517");
    const againStarted = Date.now();
    await page.getByPlaceholder("Search transcripts").fill("marker518x");
    await expect(items.first()).toContainText("Interview 518");
    const againMs = Date.now() - againStarted;
    await page.getByPlaceholder("Search transcripts").fill("");
    await page.getByRole("button", { name: "Show 50 more of 950" }).click();
    await expect(items).toHaveCount(100);
    console.log(`browser, history of 1,000: open to 50 rows ${openMs} ms, first search to 1 row ${searchMs} ms, next search ${againMs} ms`);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("history-export").click()]);
    expect(download.suggestedFilename()).toMatch(/^transcripts-\d{4}-\d\d-\d\d\.json$/);
    expect(JSON.parse(readFileSync(await download.path(), "utf8"))).toMatchObject({ format: "whisper-history", version: 1, transcripts: expect.arrayContaining([expect.objectContaining({ id: "gen-517" })]) });
    await page.getByTestId("history-import").setInputFiles(file);
    await expect(page.getByTestId("history-transfer-status")).toHaveText("Imported 0 transcripts: 0 new, 0 updated, 1000 already here.", { timeout: 60_000 });
    await page.getByTestId("history-import").setInputFiles(clip("not-audio.txt"));
    await expect(page.getByTestId("history-transfer-status")).toContainText("not a history export");
  });
});

/** Clicks one export button and returns the downloaded file's text. */
async function exported(page: Page, format: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`export-${format}`).click()]);
  return readFileSync(await download.path(), "utf8");
}

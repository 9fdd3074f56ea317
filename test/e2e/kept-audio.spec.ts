import { readFileSync, statSync } from "node:fs";
import type { Page } from "@playwright/test";
import { clip, expect, test, transcribeClip } from "./fixtures";
import { player, playFromLastSegment } from "./player";

/** What the history database holds of kept audio, read in the page: how many records in each store and the blobs' sizes. */
async function storedAudio(page: Page): Promise<{ readonly audio: number; readonly info: number; readonly sizes: number[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open("whisper-history");
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(["audio", "audio-info"], "readonly");
          const blobs = tx.objectStore("audio").getAll();
          const infos = tx.objectStore("audio-info").count();
          tx.oncomplete = () => {
            db.close();
            const sizes = blobs.result.map((row: { blob: Blob }) => row.blob.size);
            resolve({ audio: blobs.result.length, info: infos.result, sizes });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

function openHistory(page: Page) {
  return page.getByText(/History on this device/).click();
}

test.describe("audio kept with transcripts", () => {
  test("keep audio on: transcribe, correct, reload, open from history, the player seeks by segment with the corrected text; delete removes the blob", async ({ page }) => {
    await page.goto("/");
    await openHistory(page);
    const setting = page.getByTestId("keep-audio-setting");
    await expect(setting).not.toBeChecked();
    await setting.check();

    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("kept-audio-status")).toHaveText(/^Audio kept with this transcript on this device \(14 kB\)\.$/);
    expect(await storedAudio(page)).toEqual({ audio: 1, info: 1, sizes: [statSync(clip("speech.ogg")).size] });

    await page.getByRole("button", { name: "Edit text" }).click();
    const first = page.getByTestId("segments").locator("textarea").first();
    await first.fill("Corrected before the reload");
    await first.press("Enter");
    await expect(page.getByTestId("edited-note")).toBeVisible();

    await page.reload();
    await openHistory(page);
    await expect(page.getByTestId("keep-audio-setting")).toBeChecked();
    await expect(page.getByTestId("kept-audio-usage")).toHaveText("Audio of 1 transcript is kept on this device: 14 kB.");
    const item = page.getByTestId("history-item").first();
    await expect(item.getByTestId("history-item-audio")).toHaveText(" · audio kept (14 kB)");
    await item.getByRole("button", { name: "speech", exact: true }).click();

    await expect(page.getByRole("heading", { name: "speech", exact: true })).toBeVisible();
    await expect(page.getByTestId("edited-note")).toBeVisible();
    const { segments, state } = player(page);
    await expect.poll(async () => (await state()).duration).toBeGreaterThan(1);
    await expect(segments.first()).toContainText("Corrected before the reload");

    await playFromLastSegment(page);
    await page.keyboard.press("Space");
    await expect.poll(async () => (await state()).paused).toBe(false);
    await page.keyboard.press("Space");
    await expect.poll(async () => (await state()).paused).toBe(true);
    await segments.first().getByText("Corrected before the reload").click();
    await expect.poll(async () => (await state()).time).toBeLessThan(0.5);
    await expect(segments.first()).toHaveAttribute("aria-current", "true");

    await page.getByRole("button", { name: "Back" }).click();
    await item.getByRole("button", { name: "Delete speech" }).click();
    await expect(page.getByTestId("history-item")).toHaveCount(0);
    await expect(page.getByTestId("kept-audio-usage")).toHaveText("No audio is kept with transcripts.");
    expect(await storedAudio(page)).toEqual({ audio: 0, info: 0, sizes: [] });
  });

  test("keep audio off (the default): nothing is stored until asked for one transcript; remove audio keeps the text; exports hold no audio", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "speech.mp3");
    await expect(page.getByTestId("keep-audio")).toHaveText("Keep audio in history (36 kB)");
    expect(await storedAudio(page)).toEqual({ audio: 0, info: 0, sizes: [] });

    await page.getByTestId("keep-audio").click();
    await expect(page.getByTestId("kept-audio-status")).toHaveText(/Audio kept with this transcript/);
    expect(await storedAudio(page)).toEqual({ audio: 1, info: 1, sizes: [statSync(clip("speech.mp3")).size] });
    await page.getByText("Offline use and storage").click();
    await expect(page.getByTestId("storage-kept-audio")).toContainText("Audio of 1 transcript is kept on this device: 36 kB.");

    await openHistory(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("history-export").click()]);
    const exported: unknown = JSON.parse(readFileSync(await download.path(), "utf8"));
    expect(exported).toMatchObject({ format: "whisper-history", transcripts: [expect.objectContaining({ title: "speech" })] });
    expect(Object.keys((exported as { transcripts: object[] }).transcripts[0] ?? {}).filter((key) => /audio|blob/i.test(key))).toEqual([]);

    await page.getByTestId("remove-audio").click();
    await expect(page.getByTestId("keep-audio")).toBeVisible();
    expect(await storedAudio(page)).toEqual({ audio: 0, info: 0, sizes: [] });
    await expect(page.getByTestId("history-item")).toHaveCount(1);
    await page.getByTestId("history-item").first().getByRole("button", { name: "speech", exact: true }).click();
    await expect(page.getByTestId("kept-audio-status")).toContainText("No audio was kept with this transcript");
    await expect(page.getByTestId("player")).toHaveCount(0);
  });

  test("a browser out of room: the page says the audio was not kept, and the transcript is kept", async ({ page }) => {
    // The browser's refusal, as IndexedDB gives it when the origin's quota is used up (only for the audio store).
    await page.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore["put"]>) {
        if (this.name === "audio") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        return put.apply(this, args);
      };
    });
    await page.goto("/");
    await openHistory(page);
    await page.getByTestId("keep-audio-setting").check();
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("keep-audio-error")).toHaveText(/^The transcript is kept, but its audio \(14 kB\) is not: there is no room left on this device\./);
    await expect(page.getByTestId("keep-audio")).toBeVisible();
    await expect(page.getByTestId("player")).toBeVisible();
    await expect(page.getByTestId("history-item")).toHaveCount(1);
    await expect(page.getByTestId("kept-audio-usage")).toHaveText("No audio is kept with transcripts.");
    expect(await storedAudio(page)).toEqual({ audio: 0, info: 0, sizes: [] });
  });
});

/**
 * Issue 5, item 8: the whole Telegram loop over real sockets and a real browser. The stand-in Bot
 * API serves a voice message; the relay runs as a child process on the port the app's client
 * config names (E2E_RELAY_PORT); the page opens as a Mini App with init data signed by the bot
 * token, links itself, transcribes the voice message with the fixture model, and the relay edits
 * its status message into the transcript — exactly once. Exports (issue 18, item 5): in a Bot API 8.0
 * client (a fake TelegramWebviewProxy) the SRT goes to Telegram's downloadFile with a relay URL that
 * serves the very bytes the page exported; outside Telegram it stays a plain download.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { FakeBotApi, initDataFor, testUser, type RecordedCall } from "../support/fake-bot-api";
import { startRelayProcess, type RelayProcess } from "../support/relay-process";
import { clip, expect, test, transcribeClip } from "./fixtures";
import { texts } from "../../relay/texts";

/** The first line of a live-text draft (the relay shows the text so far under it until the transcript). */
const DRAFT_HEADING = texts.liveDraft("").split("\n")[0] ?? "";

const APP_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3210)}`;
const RELAY_PORT = Number(process.env.E2E_RELAY_PORT ?? 3211);

/** The hash Telegram opens a Mini App with. */
function launchHash(initData: string, version = "7.10", platform = "tdesktop"): string {
  return `#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=${version}&tgWebAppPlatform=${platform}`;
}

/** The data of the first Telegram method of `type` the page posted (recorded by the fake TelegramWebviewProxy), or null. */
function postedData(page: Page, type: string): Promise<string | null> {
  return page.evaluate((wanted) => {
    const posted: unknown = Reflect.get(window, "__posted");
    if (!Array.isArray(posted)) return null;
    for (const event of posted) {
      if (typeof event === "object" && event !== null && Reflect.get(event, "type") === wanted) return String(Reflect.get(event, "data"));
    }
    return null;
  }, type);
}

/** The text of an SRT file's cues, joined as the page shows a transcript. */
function srtText(srt: string): string {
  return srt
    .split("\n\n")
    .map((cue) => cue.split("\n").slice(2).join(" "))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

async function health(relay: RelayProcess): Promise<{ connectedSessions: number; pendingJobs: number }> {
  const response = await fetch(`${relay.url}/healthz`);
  const body = (await response.json()) as { connectedSessions: number; pendingJobs: number };
  return body;
}

function textOf(call: RecordedCall): string {
  return typeof call.params.text === "string" ? call.params.text : "";
}

async function linkedAs(page: Page, name: RegExp): Promise<void> {
  const link = page.getByTestId("telegram-link");
  await expect(link).toHaveAttribute("data-state", "linked", { timeout: 15_000 });
  await expect(link).toContainText(name);
}

test.describe("Telegram loop: bot → relay → browser → relay → chat", () => {
  // About 35 s in all on a quiet machine; the limits are margins for a loaded one.
  test.describe.configure({ mode: "serial", timeout: 120_000 });

  let api: FakeBotApi;
  let relay: RelayProcess;
  let dir: string;

  test.beforeAll(async () => {
    api = await FakeBotApi.start();
    dir = mkdtempSync(join(tmpdir(), "telegram-loop-"));
    relay = await startRelayProcess({
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.url,
      RELAY_HOST: "127.0.0.1",
      RELAY_PORT: String(RELAY_PORT),
      RELAY_STORE: `sqlite:${join(dir, "relay.sqlite")}`,
      PUBLIC_URL: APP_URL,
    });
  });

  test.afterAll(async () => {
    await relay?.stop();
    await api?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test("a voice message is transcribed in the Mini App and the status message becomes the transcript", async ({ page }) => {
    const user = testUser(4242, "Ada");
    await page.goto(`/${launchHash(initDataFor(api.token, user))}`);

    // Linked automatically from the signed init data, and listening for jobs.
    await linkedAs(page, /Ada \(@user4242\)/);
    await expect(page.getByTestId("telegram-link")).not.toContainText("Connecting");
    await expect.poll(async () => (await health(relay)).connectedSessions, { timeout: 10_000 }).toBe(1);
    await expect(page.getByTestId("telegram-auto")).toBeChecked();

    const voice = api.sendVoice({ from: user, content: readFileSync(clip("speech.ogg")), duration: 3 });

    // The bot answers at once with a status message, since a session is online.
    const status = await api.waitForCall("sendMessage", (call) => textOf(call) === "Transcribing on your device…", 10_000);
    expect(Number(status.params.chat_id)).toBe(user.id);

    // The browser takes the job, transcribes it and posts the text.
    const job = page.getByTestId("telegram-job");
    await expect(job).toHaveCount(1, { timeout: 10_000 });
    await expect(job).toHaveAttribute("data-state", "sent", { timeout: 90_000 });
    const transcript = ((await page.getByTestId("telegram-job-text").textContent()) ?? "").trim();
    expect(transcript).not.toBe("");
    await expect(page.getByTestId("transcript")).toContainText(transcript);
    // Which language was used and why: detected, or (detection unsure) the owner's Telegram language sent with the job.
    await expect(page.getByTestId("telegram-job-language")).toHaveText(/^Language: (.+, detected|English, from your Telegram language)/);

    // The relay edits the status message (not the voice message) into the transcript; before that it
    // may have shown the text so far as a draft (live text), never after.
    const isDraft = (call: RecordedCall): boolean => textOf(call).startsWith(DRAFT_HEADING);
    const edit = await api.waitForCall("editMessageText", (call) => !isDraft(call), 10_000);
    expect(Number(edit.params.chat_id)).toBe(user.id);
    expect(Number(edit.params.message_id)).not.toBe(voice.message_id);
    expect(textOf(edit)).toBe(transcript);
    await expect.poll(async () => (await health(relay)).pendingJobs, { timeout: 5000 }).toBe(0);

    // Exactly once: no second final edit, no draft after it and no separate reply, even after the relay's sweeps.
    await page.waitForTimeout(1500);
    const edits = api.callsTo("editMessageText");
    expect(edits.filter((call) => !isDraft(call))).toHaveLength(1);
    expect(edits.at(-1)).toEqual(edit);
    for (const draft of edits.slice(0, -1)) expect(Number(draft.params.message_id)).toBe(Number(edit.params.message_id));
    expect(api.callsTo("sendMessage")).toHaveLength(1);
  });

  test("Retry where retrying can help: the inbox's button requeues the job as the chat's would; a file that is not audio gets none", async ({ page }) => {
    const user = testUser(4343, "Bea");
    const mine = (call: RecordedCall): boolean => Number(call.params.chat_id) === user.id;
    // The first failure is posted as one a retry can overcome (a device out of memory); after that
    // the page's own verdict on this file (not audio) goes through unchanged.
    let rewrite = true;
    await page.route(`${relay.url}/api/jobs/*/failure`, async (route) => {
      const body: unknown = route.request().postDataJSON();
      if (!rewrite || typeof body !== "object" || body === null) return route.continue();
      rewrite = false;
      await route.continue({ postData: JSON.stringify({ ...body, message: "the model ran out of memory on every device", failureKind: "memory" }) });
    });
    await page.goto(`/${launchHash(initDataFor(api.token, user))}`);
    await linkedAs(page, /Bea \(@user4343\)/);
    await expect.poll(async () => (await health(relay)).connectedSessions, { timeout: 10_000 }).toBeGreaterThan(0);

    api.sendVoice({ from: user, content: Buffer.from("this is not audio at all, only some words in a file"), duration: 2 });
    const job = page.getByTestId("telegram-job");
    const retry = page.getByTestId("telegram-job-retry");
    await expect(retry).toBeVisible({ timeout: 30_000 });
    const memory = await api.waitForCall("editMessageText", (call) => mine(call) && textOf(call).includes("ran out of memory"), 10_000);
    expect(JSON.stringify(memory.params.reply_markup)).toContain("Retry");

    await retry.click();
    // Taken again at once (automatic mode), and this time the page's verdict stands: no Retry anywhere.
    const notAudio = await api.waitForCall("editMessageText", (call) => mine(call) && textOf(call).includes("Retrying will not help"), 30_000);
    expect(JSON.stringify(notAudio.params.reply_markup ?? null)).not.toContain("Retry");
    await expect(job).toContainText("Retrying will not help", { timeout: 15_000 });
    await expect(retry).toHaveCount(0);
    // The status message went the way the chat's own Retry takes it: failed, transcribing again, failed.
    expect(api.callsTo("editMessageText").filter(mine).map(textOf)).toEqual([textOf(memory), "Transcribing on your device…", textOf(notAudio)]);
  });

  test("in a Bot API 8.0 client an export goes to Telegram's downloadFile, with a relay URL that serves the export's bytes", async ({ page, problems }) => {
    // Telegram's Android app as the page sees it: methods go out through TelegramWebviewProxy.postEvent.
    await page.addInitScript(() => {
      const posted: Array<{ type: string; data: string }> = [];
      Reflect.set(window, "__posted", posted);
      Reflect.set(window, "TelegramWebviewProxy", { postEvent: (type: string, data: string) => posted.push({ type, data }) });
    });
    const uploads: Buffer[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().startsWith(`${relay.url}/api/exports?`)) uploads.push(request.postDataBuffer() ?? Buffer.alloc(0));
    });
    let plainDownloads = 0;
    page.on("download", () => (plainDownloads += 1));
    const user = testUser(4646, "Cy");
    await page.goto(`/${launchHash(initDataFor(api.token, user), "8.0", "android")}`);
    await linkedAs(page, /Cy \(@user4646\)/);

    await transcribeClip(page, "speech.ogg");
    const transcript = ((await page.getByTestId("transcript").textContent()) ?? "").replace(/\s+/g, " ").trim();
    expect(transcript).not.toBe("");
    await expect(page.getByTestId("export-privacy")).toContainText("passes through the bot's server");
    await page.getByTestId("export-srt").click();

    await expect.poll(() => postedData(page, "web_app_request_file_download"), { timeout: 15_000 }).not.toBeNull();
    const request = (await postedData(page, "web_app_request_file_download")) ?? "";
    const params = JSON.parse(request) as { url: string; file_name: string };
    expect(params.file_name).toBe("speech.srt");
    expect(params.url.startsWith(`${relay.url}/api/exports/`)).toBe(true);
    await expect(page.getByTestId("export-status")).toContainText("Telegram will ask where to save speech.srt");

    // What Telegram's client does with it: fetch the URL. The same bytes the page exported, as an attachment.
    expect(uploads).toHaveLength(1);
    const served = await fetch(params.url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-disposition")).toContain('filename="speech.srt"');
    expect(served.headers.get("content-type")).toBe("application/x-subrip;charset=utf-8");
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.equals(uploads[0] ?? Buffer.alloc(0))).toBe(true);
    const srt = bytes.toString("utf8");
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
    expect(srtText(srt)).toBe(transcript);

    // Telegram answers the popup; the page says so. Nothing was saved as a plain download.
    await page.evaluate(() => {
      const telegram: unknown = Reflect.get(window, "Telegram");
      const webView: unknown = typeof telegram === "object" && telegram !== null ? Reflect.get(telegram, "WebView") : null;
      const receive: unknown = typeof webView === "object" && webView !== null ? Reflect.get(webView, "receiveEvent") : null;
      if (typeof receive === "function") receive("file_download_requested", { status: "downloading" });
    });
    await expect(page.getByTestId("export-status")).toHaveText("Telegram is saving the file.");
    expect(plainDownloads).toBe(0);
    expect(problems.consoleErrors).toEqual([]);
  });

  test("outside Telegram an export is a plain download and nothing reaches the relay", async ({ page }) => {
    const exportRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(`${relay.url}/api/exports`)) exportRequests.push(request.url());
    });
    await page.goto("/");
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("export-privacy")).toHaveCount(0);
    const download = page.waitForEvent("download");
    await page.getByTestId("export-srt").click();
    expect((await download).suggestedFilename()).toBe("speech.srt");
    expect(exportRequests).toEqual([]);
  });

  test("forged init data: the panel says linking failed (401) and the app keeps working", async ({ page, problems }) => {
    // Chromium logs the refused POST /api/session/telegram itself.
    problems.allow(/status of 401/);
    const user = testUser(777, "Mallory");
    const forged = initDataFor("999999:not-the-bot-token-at-all_0123456789abc", user);
    await page.goto(`/${launchHash(forged)}`);

    const link = page.getByTestId("telegram-link");
    await expect(link).toHaveAttribute("data-state", "failed", { timeout: 15_000 });
    await expect(link).toContainText("Linking failed (401)");
    await expect(page.getByTestId("telegram-inbox")).toHaveCount(0);
    expect(await page.evaluate(() => localStorage.getItem("whisper:relay-session:v1"))).toBeNull();
    // The rest of the app is untouched.
    await expect(page.getByTestId("status")).toContainText("Choose or drop");
    await expect(page.getByTestId("file-input")).toBeEnabled();
  });

  test("outside Telegram: nothing reaches the relay until asked, then a /link code links and Unlink signs out", async ({ page }) => {
    const relayRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(relay.url)) relayRequests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    await page.goto("/");
    await expect(page.getByTestId("telegram-link")).toHaveAttribute("data-state", "idle");
    await expect(page.getByTestId("status")).toContainText("Choose or drop");
    expect(relayRequests, "a page nobody links stays quiet").toEqual([]);

    const user = testUser(5151, "Grace");
    api.sendText({ from: user }, "/link");
    const reply = await api.waitForCall("sendMessage", (call) => Number(call.params.chat_id) === user.id && textOf(call).startsWith("Your code:"), 10_000);
    const code = /Your code: (\S+)/.exec(textOf(reply))?.[1] ?? "";

    await page.getByText("Telegram", { exact: true }).click();
    await expect.poll(() => relayRequests).toContain("GET /healthz");
    await page.getByTestId("link-code").fill(code.toLowerCase());
    await page.getByRole("button", { name: "Link", exact: true }).click();
    await linkedAs(page, /Grace \(@user5151\)/);
    await expect.poll(async () => (await health(relay)).connectedSessions, { timeout: 10_000 }).toBe(1);

    // The session survives a reload (the token is kept on this device)…
    await page.reload();
    await linkedAs(page, /Grace/);

    // …until Unlink.
    await page.getByRole("button", { name: "Unlink" }).click();
    await expect(page.getByTestId("telegram-link")).toHaveAttribute("data-state", "idle");
    expect(relayRequests).toContain("DELETE /api/session");
    expect(await page.evaluate(() => localStorage.getItem("whisper:relay-session:v1"))).toBeNull();
    await expect.poll(async () => (await health(relay)).connectedSessions, { timeout: 10_000 }).toBe(0);
  });

  test("a relay without a bot: the panel says so briefly and links nothing", async ({ page }) => {
    let linkAttempts = 0;
    await page.route(`${relay.url}/healthz`, (route) => route.fulfill({ json: { bot: "disabled", botMode: null }, headers: { "access-control-allow-origin": "*" } }));
    await page.route(`${relay.url}/api/session/**`, (route) => {
      linkAttempts += 1;
      return route.abort();
    });
    await page.goto(`/${launchHash(initDataFor(api.token, testUser(6161)))}`);
    const link = page.getByTestId("telegram-link");
    await expect(link).toHaveAttribute("data-state", "unavailable");
    await expect(link).toContainText("No Telegram bot is set up");
    expect(linkAttempts).toBe(0);
    await expect(page.getByTestId("status")).toContainText("Choose or drop");
  });
});

import { describe, expect, it } from "vitest";
import { RelayClientError } from "../../../../lib/relay/client-error";
import type { ExportFile, ExportUploader, UploadedExport } from "../../../../lib/relay/export-upload";
import {
  chooseExportRoute,
  exportFailureReason,
  exportOutcomeText,
  routePassesThroughServer,
  saveExport,
  type ExportActions,
  type ExportSituation,
} from "../../../../lib/telegram/export-delivery";
import type { PostResult } from "../../../../lib/telegram/mini-app";

const RELAY = "https://relay.example.org";
const inTelegram = (version: string, patch: Partial<ExportSituation> = {}): ExportSituation => ({
  telegramVersion: version,
  bridgeAvailable: true,
  relayBaseUrl: RELAY,
  relayFetchable: true,
  ...patch,
});

describe("chooseExportRoute", () => {
  const rows: ReadonlyArray<readonly [string, ExportSituation, ReturnType<typeof chooseExportRoute>]> = [
    ["a browser tab: a plain download, nothing leaves the device", { telegramVersion: null, bridgeAvailable: false, relayBaseUrl: RELAY, relayFetchable: true }, "plain"],
    ["Bot API 8.0: Telegram's own download", inTelegram("8.0"), "telegram-download"],
    ["Bot API 9.1: Telegram's own download", inTelegram("9.1"), "telegram-download"],
    ["Bot API 7.10: the link opens in the browser", inTelegram("7.10"), "open-link"],
    ["Bot API 6.1: the link opens in the browser", inTelegram("6.1"), "open-link"],
    ["Bot API 6.0: nothing better than a plain download", inTelegram("6.0"), "plain"],
    ["launch parameters but no way to reach Telegram", inTelegram("8.0", { bridgeAvailable: false }), "plain"],
    ["not linked to the bot", inTelegram("8.0", { relayBaseUrl: null, relayFetchable: false }), "plain"],
    ["a relay Telegram cannot fetch from", inTelegram("8.0", { relayFetchable: false }), "plain"],
  ];
  it.each(rows)("%s", (_name, situation, route) => {
    expect(chooseExportRoute(situation)).toBe(route);
    expect(routePassesThroughServer(route)).toBe(route !== "plain");
  });
});

const FILE: ExportFile = { fileName: "voice.srt", format: "srt", mimeType: "application/x-subrip;charset=utf-8", text: "1\n00:00:00,000 --> 00:00:01,000\nHi\n" };
const UPLOADER: ExportUploader = { baseUrl: RELAY, token: "session-token" };

function recorder(upload: (uploader: ExportUploader, file: ExportFile) => Promise<UploadedExport>, posted: PostResult = "proxy") {
  const calls: string[] = [];
  const actions: ExportActions = {
    plainDownload: (file) => calls.push(`plain ${file.fileName}`),
    downloadThroughTelegram: (url, fileName) => {
      calls.push(`telegram ${url} ${fileName}`);
      return posted;
    },
    openLink: (url) => {
      calls.push(`link ${url}`);
      return posted;
    },
    upload: async (uploader, file) => {
      calls.push(`upload ${uploader.token} ${file.format}`);
      return upload(uploader, file);
    },
  };
  return { calls, actions };
}

const uploaded = async (): Promise<UploadedExport> => ({ url: `${RELAY}/api/exports/tok`, fileName: "voice.srt", expiresAt: "2026-01-01T00:05:00.000Z" });

describe("saveExport", () => {
  it("outside Telegram only downloads, uploading nothing", async () => {
    const { calls, actions } = recorder(uploaded);
    expect(await saveExport(FILE, "plain", UPLOADER, actions)).toEqual({ kind: "downloaded", fileName: "voice.srt" });
    expect(calls).toEqual(["plain voice.srt"]);
  });

  it("on Bot API 8.0+ uploads and hands the relay's URL and the name to Telegram's downloadFile", async () => {
    const { calls, actions } = recorder(uploaded);
    const outcome = await saveExport(FILE, "telegram-download", UPLOADER, actions);
    expect(outcome).toEqual({ kind: "handed-to-telegram", fileName: "voice.srt", url: `${RELAY}/api/exports/tok` });
    expect(calls).toEqual(["upload session-token srt", `telegram ${RELAY}/api/exports/tok voice.srt`]);
    expect(exportOutcomeText(outcome)).toBe("Telegram will ask where to save voice.srt.");
  });

  it("on older clients opens the URL in the browser", async () => {
    const { calls, actions } = recorder(uploaded);
    const outcome = await saveExport(FILE, "open-link", UPLOADER, actions);
    expect(outcome.kind).toBe("opened-link");
    expect(calls).toEqual(["upload session-token srt", `link ${RELAY}/api/exports/tok`]);
    expect(exportOutcomeText(outcome)).toContain("opens in your browser");
  });

  it("falls back to a plain download and says why when the relay refuses the file", async () => {
    const { calls, actions } = recorder(async () => {
      throw new RelayClientError(413, "payload_too_large", "this export is larger than 2 MB");
    });
    const outcome = await saveExport(FILE, "telegram-download", UPLOADER, actions);
    expect(outcome).toEqual({ kind: "fell-back", fileName: "voice.srt", reason: "413: this export is larger than 2 MB" });
    expect(calls).toEqual(["upload session-token srt", "plain voice.srt"]);
    expect(exportOutcomeText(outcome)).toBe("voice.srt could not be passed to Telegram (413: this export is larger than 2 MB). A plain download was tried; if nothing was saved, use Copy.");
  });

  it("falls back when Telegram could not be asked, or there is no session", async () => {
    const refused = recorder(uploaded, "none");
    expect(await saveExport(FILE, "telegram-download", UPLOADER, refused.actions)).toMatchObject({ kind: "fell-back", reason: "Telegram could not be asked to save it" });
    expect(refused.calls.at(-1)).toBe("plain voice.srt");
    const unlinked = recorder(uploaded);
    expect(await saveExport(FILE, "telegram-download", null, unlinked.actions)).toEqual({ kind: "downloaded", fileName: "voice.srt" });
    expect(unlinked.calls).toEqual(["plain voice.srt"]);
    expect(exportOutcomeText({ kind: "downloaded", fileName: "voice.srt" })).toBeNull();
  });

  it("words each failure for the page", () => {
    expect(exportFailureReason(new RelayClientError(0, "network", "x"))).toBe("the bot's server can't be reached");
    expect(exportFailureReason(new RelayClientError(401, "unauthorized", "x"))).toContain("no longer linked");
    expect(exportFailureReason(new RelayClientError(429, "rate_limited", "5 exports are already waiting"))).toBe("429: 5 exports are already waiting");
    expect(exportFailureReason(new Error("boom"))).toBe("something went wrong");
  });
});

/**
 * Saving a transcript export where the page runs. In a browser tab it is a plain download: the file
 * never leaves the device. Inside Telegram's webview a plain download does nothing (no `<a download>`,
 * no `blob:` or `data:` URLs), so the file goes through the bot's server for a few minutes and
 * Telegram fetches it from there:
 *
 * - Bot API 8.0+ clients: `downloadFile` (`web_app_request_file_download`): Telegram's own "save file"
 *   popup, the file lands where the user's other Telegram downloads go.
 * - Older clients (6.1–7.x): `openLink` (`web_app_open_link`) with the same short-lived URL, so the
 *   user's browser opens and saves the file (the relay sends it as an attachment). Chosen over the bot
 *   sending the file to the chat with `sendDocument`: that would leave a copy in the chat history for
 *   good and need the relay to upload it to Telegram, while the link leaves nothing behind once it
 *   expires, and the user still ends up with a file in their downloads.
 * - Older still, or not linked to the bot, or a relay Telegram cannot reach: a plain download (the
 *   best that is left; Copy always works).
 *
 * {@link chooseExportRoute} is the pure decision; {@link saveExport} carries it out.
 */
import { describeError } from "../errors";
import { createLogger } from "../logger";
import { RelayClientError } from "../relay/client-error";
import { uploadExport, type ExportFile, type ExportUploader, type UploadedExport } from "../relay/export-upload";
import { isVersionAtLeast } from "./launch-params";
import type { PostResult } from "./mini-app";

const log = createLogger("telegram");

/** How an export is saved; see the module comment. */
export type ExportRoute = "plain" | "telegram-download" | "open-link";

/** What the decision reads. */
export interface ExportSituation {
  /** The Telegram client's Bot API version from the launch parameters; null outside Telegram. */
  readonly telegramVersion: string | null;
  /** True when methods reach Telegram (its app's proxy, or Telegram Web as the parent frame). */
  readonly bridgeAvailable: boolean;
  /** The linked session's relay, or null when this page is not linked to the bot. */
  readonly relayBaseUrl: string | null;
  /** {@link isFetchableByTelegram} of the relay's URL. */
  readonly relayFetchable: boolean;
}

/** Picks how to save an export; see the module comment for why each case goes where it does. */
export function chooseExportRoute(situation: ExportSituation): ExportRoute {
  const version = situation.telegramVersion;
  if (version === null || !situation.bridgeAvailable) return "plain";
  if (situation.relayBaseUrl === null || !situation.relayFetchable) return "plain";
  if (isVersionAtLeast(version, "8.0")) return "telegram-download";
  if (isVersionAtLeast(version, "6.1")) return "open-link";
  return "plain";
}

/** True when saving by `route` sends the file to the bot's server (the page should say so). */
export function routePassesThroughServer(route: ExportRoute): boolean {
  return route !== "plain";
}

/** The outcome of {@link saveExport}, for the line the page shows. */
export type ExportOutcome =
  | { readonly kind: "downloaded"; readonly fileName: string }
  | { readonly kind: "handed-to-telegram"; readonly fileName: string; readonly url: string }
  | { readonly kind: "opened-link"; readonly fileName: string; readonly url: string }
  /** Passing it on failed; a plain download was tried instead. */
  | { readonly kind: "fell-back"; readonly fileName: string; readonly reason: string };

/** What {@link saveExport} does its work with (the page's, or a test's). */
export interface ExportActions {
  /** The page's plain download of the file. */
  readonly plainDownload: (file: ExportFile) => void;
  /** `downloadThroughTelegram` of the page's bridge. */
  readonly downloadThroughTelegram: (url: string, fileName: string) => PostResult;
  /** `openLink` of the page's bridge. */
  readonly openLink: (url: string) => PostResult;
  /** Default {@link uploadExport}. */
  readonly upload?: (uploader: ExportUploader, file: ExportFile) => Promise<UploadedExport>;
}

/** Why passing the file on failed, in words for the page. */
export function exportFailureReason(error: unknown): string {
  if (!(error instanceof RelayClientError)) return "something went wrong";
  if (error.apiCode === "network") return "the bot's server can't be reached";
  if (error.status === 401) return "this page is no longer linked to the bot; open the app from the bot again";
  return `${error.status}: ${error.message}`;
}

/** Saves `file` by `route` (see {@link chooseExportRoute}); never throws. */
export async function saveExport(file: ExportFile, route: ExportRoute, uploader: ExportUploader | null, actions: ExportActions): Promise<ExportOutcome> {
  if (route === "plain" || uploader === null) {
    actions.plainDownload(file);
    return { kind: "downloaded", fileName: file.fileName };
  }
  let uploaded: UploadedExport;
  try {
    uploaded = await (actions.upload ?? uploadExport)(uploader, file);
  } catch (error) {
    log.warn("the export could not be passed through the relay", describeError(error));
    actions.plainDownload(file);
    return { kind: "fell-back", fileName: file.fileName, reason: exportFailureReason(error) };
  }
  const posted = route === "telegram-download" ? actions.downloadThroughTelegram(uploaded.url, uploaded.fileName) : actions.openLink(uploaded.url);
  if (posted === "none") {
    actions.plainDownload(file);
    return { kind: "fell-back", fileName: file.fileName, reason: "Telegram could not be asked to save it" };
  }
  return route === "telegram-download"
    ? { kind: "handed-to-telegram", fileName: uploaded.fileName, url: uploaded.url }
    : { kind: "opened-link", fileName: uploaded.fileName, url: uploaded.url };
}

/** The line the page shows after {@link saveExport}; null for a plain download (the browser shows it). */
export function exportOutcomeText(outcome: ExportOutcome): string | null {
  switch (outcome.kind) {
    case "downloaded":
      return null;
    case "handed-to-telegram":
      return `Telegram will ask where to save ${outcome.fileName}.`;
    case "opened-link":
      return `${outcome.fileName} opens in your browser to be saved (the link works for a few minutes).`;
    case "fell-back":
      return `${outcome.fileName} could not be passed to Telegram (${outcome.reason}). A plain download was tried; if nothing was saved, use Copy.`;
  }
}

/** What the page says in the Mini App, beside the export buttons, when files pass through the server. */
export const EXPORT_PRIVACY_NOTE =
  "In Telegram, a saved file passes through the bot's server: it is kept there for at most 5 minutes, for Telegram to download, then deleted.";

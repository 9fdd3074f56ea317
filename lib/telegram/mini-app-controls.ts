/**
 * More of Telegram's Mini App methods and events, over the bridge of mini-app.ts: the main button
 * (the wide button under the app, which should drive its primary action), visibility (Telegram
 * hides a Mini App when it is minimised or the user switches chats, and shows it again; Bot API
 * 8.0), and file downloads through Telegram (Bot API 8.0; links opened in the browser before it), for
 * the webviews where a plain download link does nothing. Each helper takes the bridge last (the page's by default), so tests pass
 * their own; outside Telegram they do nothing and say "none".
 */
import { isVersionAtLeast } from "./launch-params";
import { postEvent, telegramBridge, type PostResult, type TelegramBridge } from "./mini-app";

/** What the main button shows; `visible: false` hides it. */
export interface MainButtonState {
  readonly visible: boolean;
  readonly text: string;
  readonly active?: boolean;
  /** A spinner in the button, while the action it started runs. */
  readonly progress?: boolean;
}

/** Shows, changes or hides Telegram's main button (`web_app_setup_main_button`). Pair it with {@link onMainButtonPressed}. */
export function setupMainButton(state: MainButtonState, bridge: TelegramBridge | null = telegramBridge()): PostResult {
  return postEvent(
    "web_app_setup_main_button",
    { is_visible: state.visible && state.text.length > 0, is_active: state.active ?? true, text: state.text, is_progress_visible: state.progress ?? false },
    bridge,
  );
}

/** Calls `callback` when the user presses the main button (`main_button_pressed`). Returns the unsubscribe function. */
export function onMainButtonPressed(callback: () => void, bridge: TelegramBridge | null = telegramBridge()): () => void {
  return bridge?.on("main_button_pressed", () => callback()) ?? (() => undefined);
}

/**
 * Calls `callback(true)` when Telegram shows the Mini App again and `callback(false)` when it hides
 * it (`visibility_changed`, which the official script turns into `activated` / `deactivated`).
 * Returns the unsubscribe function.
 */
export function onVisibilityChanged(callback: (visible: boolean) => void, bridge: TelegramBridge | null = telegramBridge()): () => void {
  return (
    bridge?.on("visibility_changed", (eventData) => {
      if (typeof eventData !== "object" || eventData === null) return;
      const visible: unknown = Reflect.get(eventData, "is_visible");
      if (typeof visible === "boolean") callback(visible);
    }) ?? (() => undefined)
  );
}

/** True where Telegram can download a file for the Mini App (Bot API 8.0+ inside Telegram). */
export function canDownloadThroughTelegram(bridge: TelegramBridge | null = telegramBridge()): boolean {
  const version = bridge?.launchParams?.version;
  return bridge?.isAvailable() === true && version !== undefined && isVersionAtLeast(version, "8.0");
}

/**
 * True for a URL the Telegram client can fetch on the page's behalf: `https`, or `http` on this
 * machine's loopback address (a local development or test setup; Telegram's own apps want https).
 * Never `blob:` or `data:`, which only the page itself can read.
 */
export function isFetchableByTelegram(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "https:") return true;
  return parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
}

/**
 * Asks Telegram to download `url` as `fileName` (`web_app_request_file_download`, what
 * `Telegram.WebApp.downloadFile` sends); Telegram shows its own confirmation and fetches the file
 * itself, so `url` must be one it can reach ({@link isFetchableByTelegram}). "none" where it cannot
 * ({@link canDownloadThroughTelegram}); the page then falls back. The answer comes as
 * {@link onFileDownloadRequested}.
 */
export function downloadThroughTelegram(url: string, fileName: string, bridge: TelegramBridge | null = telegramBridge()): PostResult {
  if (!isFetchableByTelegram(url) || !canDownloadThroughTelegram(bridge)) return "none";
  return postEvent("web_app_request_file_download", { url, file_name: fileName }, bridge);
}

/** What the user chose in Telegram's download popup (`file_download_requested`). */
export type FileDownloadStatus = "downloading" | "cancelled";

/** Calls `callback` with the user's choice after {@link downloadThroughTelegram}. Returns the unsubscribe function. */
export function onFileDownloadRequested(callback: (status: FileDownloadStatus) => void, bridge: TelegramBridge | null = telegramBridge()): () => void {
  return (
    bridge?.on("file_download_requested", (eventData) => {
      if (typeof eventData !== "object" || eventData === null) return;
      const status: unknown = Reflect.get(eventData, "status");
      if (status === "downloading" || status === "cancelled") callback(status);
    }) ?? (() => undefined)
  );
}

/**
 * Opens `url` in the user's browser, outside Telegram (`web_app_open_link`, what
 * `Telegram.WebApp.openLink` sends; Bot API 6.1+). "none" outside Telegram or on older clients.
 */
export function openLink(url: string, bridge: TelegramBridge | null = telegramBridge()): PostResult {
  const version = bridge?.launchParams?.version;
  if (bridge?.isAvailable() !== true || version === undefined || !isVersionAtLeast(version, "6.1")) return "none";
  return postEvent("web_app_open_link", { url }, bridge);
}

import { describe, expect, it } from "vitest";
import type { TelegramBridge, TelegramEventHandler } from "../../../../lib/telegram/mini-app";
import {
  canDownloadThroughTelegram,
  downloadThroughTelegram,
  isFetchableByTelegram,
  onFileDownloadRequested,
  onMainButtonPressed,
  onVisibilityChanged,
  openLink,
  setupMainButton,
} from "../../../../lib/telegram/mini-app-controls";

/** A bridge that records methods and lets the test send events. */
function fakeBridge(version: string | null, available = true) {
  const posted: Array<{ type: string; data: unknown }> = [];
  const handlers = new Map<string, Set<TelegramEventHandler>>();
  const bridge: TelegramBridge = {
    launchParams: version === null ? null : { initData: "", version, platform: "android", themeParams: {} },
    isAvailable: () => available,
    postEvent: (type, data) => {
      posted.push({ type, data });
      return available ? "proxy" : "none";
    },
    on: (type, handler) => {
      const set = handlers.get(type) ?? new Set<TelegramEventHandler>();
      handlers.set(type, set);
      set.add(handler);
      return () => set.delete(handler);
    },
    dispose: () => handlers.clear(),
  };
  const emit = (type: string, data: unknown) => {
    for (const handler of handlers.get(type) ?? []) handler(data);
  };
  return { bridge, posted, emit };
}

describe("Mini App controls", () => {
  it("sets up the main button and hears it pressed", () => {
    const { bridge, posted, emit } = fakeBridge("8.0");
    setupMainButton({ visible: true, text: "Choose a file", progress: true }, bridge);
    setupMainButton({ visible: true, text: "" }, bridge);
    expect(posted).toEqual([
      { type: "web_app_setup_main_button", data: { is_visible: true, is_active: true, text: "Choose a file", is_progress_visible: true } },
      { type: "web_app_setup_main_button", data: { is_visible: false, is_active: true, text: "", is_progress_visible: false } },
    ]);
    let pressed = 0;
    const stop = onMainButtonPressed(() => (pressed += 1), bridge);
    emit("main_button_pressed", null);
    stop();
    emit("main_button_pressed", null);
    expect(pressed).toBe(1);
  });

  it("reports the Mini App shown and hidden from visibility_changed, ignoring malformed events", () => {
    const { bridge, emit } = fakeBridge("8.0");
    const seen: boolean[] = [];
    onVisibilityChanged((visible) => seen.push(visible), bridge);
    emit("visibility_changed", { is_visible: false });
    emit("visibility_changed", { is_visible: true });
    emit("visibility_changed", { is_visible: "yes" });
    emit("visibility_changed", null);
    expect(seen).toEqual([false, true]);
  });

  it("downloads through Telegram only from Bot API 8.0, inside Telegram, and only URLs Telegram can fetch", () => {
    const modern = fakeBridge("8.0");
    expect(downloadThroughTelegram("https://app.example.org/x.srt", "x.srt", modern.bridge)).toBe("proxy");
    expect(modern.posted).toEqual([{ type: "web_app_request_file_download", data: { url: "https://app.example.org/x.srt", file_name: "x.srt" } }]);
    expect(downloadThroughTelegram("blob:https://app.example.org/1", "x.srt", modern.bridge)).toBe("none");
    expect(canDownloadThroughTelegram(fakeBridge("7.10").bridge)).toBe(false);
    expect(canDownloadThroughTelegram(fakeBridge("8.0", false).bridge)).toBe(false);
    expect(canDownloadThroughTelegram(null)).toBe(false);
    expect(downloadThroughTelegram("https://app.example.org/x.srt", "x.srt", fakeBridge(null).bridge)).toBe("none");
    expect(downloadThroughTelegram("data:text/plain,hello", "x.txt", modern.bridge)).toBe("none");
    expect(downloadThroughTelegram("http://relay.example.org/x.srt", "x.srt", modern.bridge)).toBe("none");
    expect(modern.posted).toHaveLength(1);
  });

  it("counts https and loopback http as fetchable by Telegram, nothing the page alone can read", () => {
    expect(isFetchableByTelegram("https://relay.example.org/api/exports/t")).toBe(true);
    expect(isFetchableByTelegram("http://127.0.0.1:3001/api/exports/t")).toBe(true);
    expect(isFetchableByTelegram("http://localhost:3001/x")).toBe(true);
    expect(isFetchableByTelegram("http://[::1]:3001/x")).toBe(true);
    expect(isFetchableByTelegram("http://192.168.1.5:3001/x")).toBe(false);
    expect(isFetchableByTelegram("blob:https://app.example.org/1")).toBe(false);
    expect(isFetchableByTelegram("data:text/plain,x")).toBe(false);
    expect(isFetchableByTelegram("not a url")).toBe(false);
  });

  it("hears the user's answer to Telegram's download popup, ignoring anything else", () => {
    const { bridge, emit } = fakeBridge("8.0");
    const heard: string[] = [];
    const stop = onFileDownloadRequested((status) => heard.push(status), bridge);
    emit("file_download_requested", { status: "downloading" });
    emit("file_download_requested", { status: "cancelled" });
    emit("file_download_requested", { status: "exploded" });
    emit("file_download_requested", null);
    stop();
    emit("file_download_requested", { status: "downloading" });
    expect(heard).toEqual(["downloading", "cancelled"]);
    expect(onFileDownloadRequested(() => undefined, null)()).toBeUndefined();
  });

  it("opens links in the browser from Bot API 6.1, inside Telegram only", () => {
    const client = fakeBridge("7.10");
    expect(openLink("https://relay.example.org/api/exports/t", client.bridge)).toBe("proxy");
    expect(client.posted).toEqual([{ type: "web_app_open_link", data: { url: "https://relay.example.org/api/exports/t" } }]);
    expect(openLink("https://x.example.org", fakeBridge("6.0").bridge)).toBe("none");
    expect(openLink("https://x.example.org", fakeBridge("7.10", false).bridge)).toBe("none");
    expect(openLink("https://x.example.org", null)).toBe("none");
  });
});

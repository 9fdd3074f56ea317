import { describe, expect, it } from "vitest";
import type { TelegramBridge, TelegramEventHandler } from "../../../../lib/telegram/mini-app";
import { canDownloadThroughTelegram, downloadThroughTelegram, onMainButtonPressed, onVisibilityChanged, setupMainButton } from "../../../../lib/telegram/mini-app-controls";

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

  it("downloads through Telegram only from Bot API 8.0, inside Telegram, and only https URLs", () => {
    const modern = fakeBridge("8.0");
    expect(downloadThroughTelegram("https://app.example.org/x.srt", "x.srt", modern.bridge)).toBe("proxy");
    expect(modern.posted).toEqual([{ type: "web_app_request_file_download", data: { url: "https://app.example.org/x.srt", file_name: "x.srt" } }]);
    expect(downloadThroughTelegram("blob:https://app.example.org/1", "x.srt", modern.bridge)).toBe("none");
    expect(canDownloadThroughTelegram(fakeBridge("7.10").bridge)).toBe(false);
    expect(canDownloadThroughTelegram(fakeBridge("8.0", false).bridge)).toBe(false);
    expect(canDownloadThroughTelegram(null)).toBe(false);
    expect(downloadThroughTelegram("https://app.example.org/x.srt", "x.srt", fakeBridge(null).bridge)).toBe("none");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { TELEGRAM_WEB_ORIGIN, createTelegramBridge, expand, onBackButtonPressed, onThemeChanged, onViewportChanged, parseViewport, postEvent, ready, requestTheme, requestViewport, setupBackButton, type ViewportState } from "../../../../lib/telegram/mini-app";
import { ANDROID_DARK, HASH } from "./launch-fixtures";
import type { TelegramThemeParams } from "../../../../lib/telegram/theme";

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A fake `window` of a Telegram mobile or desktop app: the proxy is there, no parent frame. */
function mobileHost() {
  const host: Record<string, unknown> = { TelegramWebviewProxy: { postEvent: vi.fn() }, location: { hash: HASH } };
  host.parent = host;
  return host as { TelegramWebviewProxy: { postEvent: ReturnType<typeof vi.fn> }; Telegram?: { WebView: { receiveEvent: (type: string, data: unknown) => void } } } & Record<string, unknown>;
}

/** A fake `window` inside Telegram Web's iframe. */
function webHost(hash = HASH) {
  const listeners = new Set<(event: unknown) => void>();
  const parent = { postMessage: vi.fn() };
  const host = {
    parent,
    location: { hash },
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      if (type === "message") listeners.add(listener);
    },
    removeEventListener: (type: string, listener: (event: unknown) => void) => {
      if (type === "message") listeners.delete(listener);
    },
    /** Delivers a `message` event as the browser would. */
    message: (data: unknown, origin = TELEGRAM_WEB_ORIGIN, source: unknown = parent) => {
      for (const listener of listeners) listener({ data, origin, source });
    },
    listeners,
  };
  return host;
}

describe("the bridge in Telegram's mobile and desktop apps", () => {
  it("posts methods through TelegramWebviewProxy with JSON-encoded data", () => {
    const host = mobileHost();
    const bridge = createTelegramBridge(host);
    expect(bridge.isAvailable()).toBe(true);
    expect(ready(bridge)).toBe("proxy");
    expect(expand(bridge)).toBe("proxy");
    expect(setupBackButton(true, bridge)).toBe("proxy");
    expect(requestViewport(bridge)).toBe("proxy");
    expect(requestTheme(bridge)).toBe("proxy");
    expect(postEvent("web_app_set_header_color", { color_key: "bg_color" }, bridge)).toBe("proxy");
    expect(host.TelegramWebviewProxy.postEvent.mock.calls).toEqual([
      ["web_app_ready", '""'],
      ["web_app_expand", '""'],
      ["web_app_setup_back_button", '{"is_visible":true}'],
      ["web_app_request_viewport", '""'],
      ["web_app_request_theme", '""'],
      ["web_app_set_header_color", '{"color_key":"bg_color"}'],
    ]);
  });

  it("defines window.Telegram.WebView.receiveEvent and dispatches what Telegram calls it with", () => {
    const host = mobileHost();
    const bridge = createTelegramBridge(host);
    const back = vi.fn();
    const viewports: ViewportState[] = [];
    const themes: TelegramThemeParams[] = [];
    onBackButtonPressed(back, bridge);
    onViewportChanged((v) => viewports.push(v), bridge);
    onThemeChanged((t) => themes.push(t), bridge);
    const receive = host.Telegram?.WebView.receiveEvent;
    expect(typeof receive).toBe("function");
    receive?.("back_button_pressed", null);
    receive?.("viewport_changed", { height: 640.5, width: 390, is_expanded: true, is_state_stable: false });
    receive?.("viewport_changed", { nonsense: true });
    receive?.("theme_changed", { theme_params: ANDROID_DARK });
    receive?.("theme_changed", "not an object");
    receive?.("main_button_pressed", null);
    expect(back).toHaveBeenCalledTimes(1);
    expect(viewports).toEqual([{ height: 640.5, width: 390, isExpanded: true, isStateStable: false }]);
    expect(themes).toEqual([ANDROID_DARK]);
  });

  it("also answers old clients that call TelegramGameProxy.receiveEvent", () => {
    const host = mobileHost();
    const bridge = createTelegramBridge(host);
    const back = vi.fn();
    onBackButtonPressed(back, bridge);
    (host.TelegramGameProxy as { receiveEvent: (type: string, data: unknown) => void }).receiveEvent("back_button_pressed", null);
    expect(back).toHaveBeenCalledTimes(1);
  });

  it("unsubscribes, survives a failing handler, and chains a receiveEvent that was already there", () => {
    vi.stubEnv("LOG_LEVEL", "silent");
    const host = mobileHost();
    const existing = vi.fn();
    const telegram = { WebView: { receiveEvent: existing, other: 1 }, WebApp: {} };
    host.Telegram = telegram;
    const bridge = createTelegramBridge(host);
    expect(host.Telegram).toBe(telegram);
    const failing = vi.fn(() => {
      throw new Error("boom");
    });
    const back = vi.fn();
    onBackButtonPressed(failing, bridge);
    const off = onBackButtonPressed(back, bridge);
    telegram.WebView.receiveEvent("back_button_pressed", null);
    off();
    telegram.WebView.receiveEvent("back_button_pressed", null);
    expect(failing).toHaveBeenCalledTimes(2);
    expect(back).toHaveBeenCalledTimes(1);
    expect(existing).toHaveBeenCalledTimes(2);
    expect(existing).toHaveBeenCalledWith("back_button_pressed", null);
    bridge.dispose();
    expect(telegram.WebView.receiveEvent).toBe(existing);
    expect(telegram.WebView.other).toBe(1);
  });

  it("does not show the back button on clients older than Bot API 6.1", () => {
    const host = mobileHost();
    host.location = { hash: HASH.replace("tgWebAppVersion=7.10", "tgWebAppVersion=6.0") };
    const bridge = createTelegramBridge(host);
    expect(setupBackButton(true, bridge)).toBe("none");
    expect(host.TelegramWebviewProxy.postEvent).not.toHaveBeenCalled();
  });
});

describe("the bridge in Telegram Web", () => {
  it("posts methods to the parent frame at Telegram Web's origin", () => {
    const host = webHost();
    const bridge = createTelegramBridge(host);
    expect(bridge.isAvailable()).toBe(true);
    expect(setupBackButton(false, bridge)).toBe("iframe");
    expect(ready(bridge)).toBe("iframe");
    expect(host.parent.postMessage.mock.calls).toEqual([
      [JSON.stringify({ eventType: "web_app_setup_back_button", eventData: { is_visible: false } }), "https://web.telegram.org"],
      [JSON.stringify({ eventType: "web_app_ready", eventData: "" }), "https://web.telegram.org"],
    ]);
  });

  it("receives events as message events, only from the parent at the trusted origin", () => {
    const host = webHost();
    const bridge = createTelegramBridge(host);
    const back = vi.fn();
    const viewports: ViewportState[] = [];
    onBackButtonPressed(back, bridge);
    onViewportChanged((v) => viewports.push(v), bridge);
    host.message(JSON.stringify({ eventType: "back_button_pressed" }));
    host.message(JSON.stringify({ eventType: "viewport_changed", eventData: { height: 500, is_expanded: false, is_state_stable: true } }));
    host.message(JSON.stringify({ eventType: "back_button_pressed" }), "https://evil.example");
    host.message(JSON.stringify({ eventType: "back_button_pressed" }), TELEGRAM_WEB_ORIGIN, {});
    host.message("not json");
    host.message({ eventType: "back_button_pressed" });
    host.message(JSON.stringify({ eventData: 1 }));
    host.message("null");
    expect(back).toHaveBeenCalledTimes(1);
    expect(viewports).toEqual([{ height: 500, isExpanded: false, isStateStable: true }]);
  });

  it("removes its message listener on dispose", () => {
    const host = webHost();
    const bridge = createTelegramBridge(host);
    expect(host.listeners.size).toBe(1);
    bridge.dispose();
    expect(host.listeners.size).toBe(0);
  });

  it("honours another trusted origin", () => {
    const host = webHost();
    const bridge = createTelegramBridge(host, { trustedOrigin: "https://tg.example" });
    const back = vi.fn();
    onBackButtonPressed(back, bridge);
    host.message(JSON.stringify({ eventType: "back_button_pressed" }));
    host.message(JSON.stringify({ eventType: "back_button_pressed" }), "https://tg.example");
    expect(back).toHaveBeenCalledTimes(1);
    ready(bridge);
    expect(host.parent.postMessage).toHaveBeenCalledWith(expect.any(String), "https://tg.example");
  });
});

describe("the bridge outside Telegram", () => {
  it("does nothing in a plain tab", () => {
    const host: Record<string, unknown> = { location: { hash: "" } };
    host.parent = host;
    const bridge = createTelegramBridge(host);
    expect(bridge.isAvailable()).toBe(false);
    expect(bridge.launchParams).toBeNull();
    expect(ready(bridge)).toBe("none");
    expect(setupBackButton(true, bridge)).toBe("none");
  });

  it("does not post to a parent frame that is not Telegram Web", () => {
    const host = webHost("");
    const bridge = createTelegramBridge(host);
    expect(bridge.isAvailable()).toBe(false);
    expect(expand(bridge)).toBe("none");
    expect(host.parent.postMessage).not.toHaveBeenCalled();
  });

  it("is a no-op without a bridge (server rendering)", () => {
    expect(ready(null)).toBe("none");
    expect(postEvent("web_app_expand", undefined, null)).toBe("none");
    const off = onBackButtonPressed(() => undefined, null);
    expect(() => off()).not.toThrow();
  });

  it("swallows a proxy that throws", () => {
    vi.stubEnv("LOG_LEVEL", "silent");
    const host = mobileHost();
    host.TelegramWebviewProxy.postEvent.mockImplementation(() => {
      throw new Error("bridge gone");
    });
    expect(ready(createTelegramBridge(host))).toBe("none");
  });
});

describe("parseViewport", () => {
  it("needs a numeric height", () => {
    expect(parseViewport({ height: 100 })).toEqual({ height: 100, isExpanded: false, isStateStable: false });
    expect(parseViewport({ height: "100" })).toBeNull();
    expect(parseViewport({ height: Number.NaN })).toBeNull();
    expect(parseViewport(null)).toBeNull();
  });
});

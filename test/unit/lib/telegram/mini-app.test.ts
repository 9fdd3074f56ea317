import { afterEach, describe, expect, it, vi } from "vitest";
import {
  LAUNCH_STORAGE_KEY,
  TELEGRAM_WEB_ORIGIN,
  applyTelegramTheme,
  createTelegramBridge,
  currentLaunchParams,
  expand,
  isVersionAtLeast,
  mixColors,
  normalizeColor,
  onBackButtonPressed,
  onThemeChanged,
  onViewportChanged,
  parseThemeParams,
  parseViewport,
  postEvent,
  readLaunchParams,
  ready,
  relativeLuminance,
  requestTheme,
  requestViewport,
  setupBackButton,
  themeColorScheme,
  themeToCssVariables,
  type TelegramThemeParams,
  type ViewportState,
} from "../../../../lib/telegram/mini-app";

afterEach(() => {
  vi.unstubAllEnvs();
});

const IOS_LIGHT = {
  bg_color: "#ffffff",
  text_color: "#000000",
  hint_color: "#8e8e93",
  link_color: "#007aff",
  button_color: "#007aff",
  button_text_color: "#ffffff",
  secondary_bg_color: "#efeff3",
  header_bg_color: "#f8f8f8",
  accent_text_color: "#007aff",
  section_bg_color: "#ffffff",
  section_header_text_color: "#6d6d72",
  subtitle_text_color: "#8e8e93",
  destructive_text_color: "#ff3b30",
};

const ANDROID_DARK = {
  bg_color: "#212d3b",
  section_bg_color: "#1d2733",
  secondary_bg_color: "#151e27",
  text_color: "#ffffff",
  hint_color: "#7d8b99",
  link_color: "#5eabe1",
  button_color: "#50a8eb",
  button_text_color: "#ffffff",
  header_bg_color: "#242d39",
  accent_text_color: "#64b5ef",
  section_header_text_color: "#79c4fc",
  subtitle_text_color: "#7b8790",
  destructive_text_color: "#ee686f",
  section_separator_color: "#0d1218",
  bottom_bar_bg_color: "#151e27",
};

const USER_JSON = '{"id":279058397,"first_name":"Vladislav","last_name":"Kibenko","username":"vdkfrost","language_code":"ru","is_premium":true,"allows_write_to_pm":true}';
const INIT_DATA = `query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=${encodeURIComponent(USER_JSON)}&auth_date=1662771648&signature=abc&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2`;
const HASH = `#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppVersion=7.10&tgWebAppPlatform=ios&tgWebAppThemeParams=${encodeURIComponent(JSON.stringify(IOS_LIGHT))}`;

describe("readLaunchParams", () => {
  it("reads a realistic iOS launch hash", () => {
    const params = readLaunchParams(HASH);
    expect(params).toEqual({
      initData: INIT_DATA,
      user: { id: 279058397, first_name: "Vladislav", last_name: "Kibenko", username: "vdkfrost", language_code: "ru" },
      version: "7.10",
      platform: "ios",
      themeParams: IOS_LIGHT,
    });
  });

  it("keeps init data as sent: values still URL-encoded, ready for the relay", () => {
    const params = readLaunchParams(HASH);
    expect(params?.initData).toContain("user=%7B%22id%22%3A279058397");
    expect(params?.initData.endsWith("&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2")).toBe(true);
  });

  it("accepts the hash without # and after a route", () => {
    expect(readLaunchParams(HASH.slice(1))?.platform).toBe("ios");
    expect(readLaunchParams(`#/inbox?${HASH.slice(1)}`)?.version).toBe("7.10");
  });

  it("reads the start parameter and defaults version and platform", () => {
    const params = readLaunchParams(`#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppStartParam=ref42`);
    expect(params).toMatchObject({ version: "6.0", platform: "unknown", themeParams: {}, startParam: "ref42" });
  });

  it("copes with bad theme JSON, bad colours and init data without a user", () => {
    const theme = encodeURIComponent('{"bg_color":"red","text_color":"#000","button_color":"javascript:alert(1)","Weird Key":"#fff"}');
    const params = readLaunchParams(`#tgWebAppData=${encodeURIComponent("auth_date=1&hash=x")}&tgWebAppThemeParams=${theme}`);
    expect(params).toMatchObject({ initData: "auth_date=1&hash=x", themeParams: { text_color: "#000000" } });
    expect(params).not.toHaveProperty("user");
    expect(readLaunchParams(`#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppThemeParams=%7Bnot-json`)?.themeParams).toEqual({});
  });

  it("is null outside Telegram", () => {
    expect(readLaunchParams("")).toBeNull();
    expect(readLaunchParams("#")).toBeNull();
    expect(readLaunchParams("#section-2")).toBeNull();
    expect(readLaunchParams("#tgWebAppVersion=7.0")).toBeNull();
    expect(readLaunchParams("#tgWebAppData=")).toBeNull();
  });
});

describe("currentLaunchParams", () => {
  function storage(initial: Record<string, string> = {}) {
    const map = new Map(Object.entries(initial));
    return { getItem: (key: string) => map.get(key) ?? null, setItem: (key: string, value: string) => void map.set(key, value), map };
  }

  it("remembers the launch hash for the tab and reads it back once the hash is gone", () => {
    const sessionStorage = storage();
    const host = { location: { hash: HASH }, sessionStorage };
    expect(currentLaunchParams(host)?.platform).toBe("ios");
    expect(sessionStorage.map.get(LAUNCH_STORAGE_KEY)).toBe(HASH);
    host.location.hash = "#/history";
    expect(currentLaunchParams(host)?.initData).toBe(INIT_DATA);
  });

  it("is null outside Telegram, without a host, and survives storage that throws", () => {
    expect(currentLaunchParams({ location: { hash: "" }, sessionStorage: storage() })).toBeNull();
    expect(currentLaunchParams(undefined)).toBeNull();
    const throwing = {
      location: { hash: HASH },
      get sessionStorage(): never {
        throw new DOMException("denied", "SecurityError");
      },
    };
    expect(currentLaunchParams(throwing)?.version).toBe("7.10");
    const failingWrites = { location: { hash: HASH }, sessionStorage: { getItem: () => null, setItem: () => { throw new DOMException("full", "QuotaExceededError"); } } };
    expect(currentLaunchParams(failingWrites)?.version).toBe("7.10");
  });
});

describe("colours and theme", () => {
  it("accepts only #rgb and #rrggbb", () => {
    expect(normalizeColor("#ABC")).toBe("#aabbcc");
    expect(normalizeColor("#A1b2C3")).toBe("#a1b2c3");
    for (const bad of ["red", "#abcd", "#abcdeg", "rgb(0,0,0)", "#fff;background:url(x)", " #ffffff", 0, null, undefined]) expect(normalizeColor(bad)).toBeNull();
  });

  it("parses theme objects, keeping valid colours only", () => {
    expect(parseThemeParams({ bg_color: "#FFF", text_color: 3, hint_color: "blue", future_color: "#123456" })).toEqual({ bg_color: "#ffffff", future_color: "#123456" });
    expect(parseThemeParams(null)).toEqual({});
    expect(parseThemeParams(["#fff"])).toEqual({});
  });

  it("maps the iOS light theme, skipping a card colour equal to the background", () => {
    expect(themeToCssVariables(IOS_LIGHT)).toEqual({
      "--bg": "#ffffff",
      "--fg": "#000000",
      "--muted": "#8e8e93",
      "--accent": "#007aff",
      "--accent-fg": "#ffffff",
      "--card": "#efeff3",
      "--border": mixColors("#ffffff", "#000000", 0.15),
      "--error": "#ff3b30",
    });
  });

  it("maps the Android dark theme", () => {
    expect(themeToCssVariables(ANDROID_DARK)).toEqual({
      "--bg": "#212d3b",
      "--fg": "#ffffff",
      "--muted": "#7d8b99",
      "--accent": "#50a8eb",
      "--accent-fg": "#ffffff",
      "--card": "#1d2733",
      "--border": "#0d1218",
      "--error": "#ee686f",
    });
  });

  it("falls back sensibly and leaves out what it cannot fill", () => {
    expect(themeToCssVariables({})).toEqual({});
    expect(themeToCssVariables({ header_bg_color: "#000", link_color: "#ffff00" })).toEqual({ "--bg": "#000000", "--accent": "#ffff00", "--accent-fg": "#000000" });
    expect(themeToCssVariables({ bg_color: "#ffffff", section_bg_color: "#ffffff" })["--card"]).toBe("#ffffff");
    const unsafe: TelegramThemeParams = { bg_color: "url(javascript:alert(1))", text_color: "#111" };
    expect(themeToCssVariables(unsafe)).toEqual({ "--fg": "#111111" });
  });

  it("mixes colours and measures luminance", () => {
    expect(mixColors("#000000", "#ffffff", 0.5)).toBe("#808080");
    expect(mixColors("#102030", "#102030", 0.7)).toBe("#102030");
    expect(relativeLuminance("#ffffff")).toBeCloseTo(1, 10);
    expect(relativeLuminance("#000000")).toBe(0);
  });

  it("tells dark from light", () => {
    expect(themeColorScheme(IOS_LIGHT)).toBe("light");
    expect(themeColorScheme(ANDROID_DARK)).toBe("dark");
    expect(themeColorScheme({})).toBeNull();
  });

  it("applies variables and color-scheme to an element", () => {
    const setProperty = vi.fn();
    applyTelegramTheme(ANDROID_DARK, { style: { setProperty } });
    expect(setProperty).toHaveBeenCalledWith("--bg", "#212d3b");
    expect(setProperty).toHaveBeenCalledWith("--accent", "#50a8eb");
    expect(setProperty).toHaveBeenCalledWith("color-scheme", "dark");
    expect(setProperty).toHaveBeenCalledTimes(9);
  });
});

describe("isVersionAtLeast", () => {
  it("compares numerically, part by part", () => {
    expect(isVersionAtLeast("7.10", "7.2")).toBe(true);
    expect(isVersionAtLeast("6.1", "6.1")).toBe(true);
    expect(isVersionAtLeast("6.0", "6.1")).toBe(false);
    expect(isVersionAtLeast("8", "7.10")).toBe(true);
    expect(isVersionAtLeast("6", "6.0")).toBe(true);
    expect(isVersionAtLeast("garbage", "6.1")).toBe(false);
  });
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

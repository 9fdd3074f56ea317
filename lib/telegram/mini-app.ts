/**
 * The app as a Telegram Mini App, without Telegram's `telegram-web-app.js` (a cross-origin script
 * that COEP `require-corp` would block, and that we only need a few lines of):
 *
 * - {@link readLaunchParams} reads what Telegram puts in the URL hash when it opens the app
 *   (`#tgWebAppData=…&tgWebAppVersion=…&tgWebAppPlatform=…&tgWebAppThemeParams=…`), and
 *   {@link currentLaunchParams} keeps them for the tab's life, since client-side navigation drops the hash;
 * - {@link themeToCssVariables} turns Telegram's theme into our CSS variables (app/globals.css);
 * - a small event bridge ({@link createTelegramBridge}) speaks Telegram's web-events protocol
 *   (https://core.telegram.org/api/web-events): methods go out through
 *   `window.TelegramWebviewProxy.postEvent` in the mobile and desktop apps, or as a `postMessage` to
 *   the parent frame in Telegram Web; events come in through `window.Telegram.WebView.receiveEvent`,
 *   which the apps call, or as `message` events from Telegram Web. Outside Telegram it does nothing.
 *
 * Helpers for the methods and events we use: {@link ready}, {@link expand}, {@link setupBackButton},
 * {@link onBackButtonPressed}, {@link requestViewport}, {@link onViewportChanged},
 * {@link requestTheme}, {@link onThemeChanged}. Each takes the bridge last (the page's by default),
 * so tests pass their own.
 */
import { createLogger } from "../logger";
import { parseInitData, readLaunchParams as readHashParams, type InitDataUser } from "./init-data";

const log = createLogger("telegram-webapp");

/** Theme keys Telegram sends (snake_case); others may appear and are kept when they hold a colour. */
export type TelegramThemeKey =
  | "bg_color"
  | "text_color"
  | "hint_color"
  | "link_color"
  | "button_color"
  | "button_text_color"
  | "secondary_bg_color"
  | "header_bg_color"
  | "bottom_bar_bg_color"
  | "accent_text_color"
  | "section_bg_color"
  | "section_header_text_color"
  | "section_separator_color"
  | "subtitle_text_color"
  | "destructive_text_color";

/** Telegram's theme with only valid colours, each as lower-case `#rrggbb`. */
export type TelegramThemeParams = Readonly<Partial<Record<TelegramThemeKey, string>> & Record<string, string | undefined>>;

/** What Telegram told the app when it opened it. */
export interface WebAppLaunchParams {
  /**
   * The signed init data as Telegram sent it (`query_id=…&user=…&auth_date=…&hash=…`, its values
   * still URL-encoded). Send it to the relay unchanged; it checks the signature.
   */
  readonly initData: string;
  /** The user, read from init data without checking the signature: for display only, never for trust. */
  readonly user?: InitDataUser;
  /** Bot API version of the Telegram client, e.g. "7.10"; "6.0" when Telegram did not say (as telegram-web-app.js assumes). */
  readonly version: string;
  /** "ios", "android", "tdesktop", "macos", "weba", "webk"…; "unknown" when Telegram did not say. */
  readonly platform: string;
  readonly themeParams: TelegramThemeParams;
  /** The `startapp` parameter of a direct link, when there was one. */
  readonly startParam?: string;
}

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** `#rgb` or `#rrggbb` as lower-case `#rrggbb`; null for anything else (named colours, rgb(), scripts). */
export function normalizeColor(value: unknown): string | null {
  if (typeof value !== "string" || !COLOR.test(value)) return null;
  const hex = value.slice(1).toLowerCase();
  return hex.length === 3 ? `#${Array.from(hex, (digit) => digit + digit).join("")}` : `#${hex}`;
}

/** Keeps the entries of a theme object (parsed JSON) whose keys look like theme keys and whose values are valid colours. */
export function parseThemeParams(value: unknown): TelegramThemeParams {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const theme: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    const color = normalizeColor(raw);
    if (color !== null && /^[a-z][a-z0-9_]{0,63}$/.test(key)) theme[key] = color;
  }
  return theme;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads Telegram's launch parameters from a URL hash (with or without `#`; also after a route, as in
 * `#/inbox?tgWebAppData=…`). Returns null outside Telegram, i.e. without `tgWebAppData`.
 */
export function readLaunchParams(hash: string): WebAppLaunchParams | null {
  let raw = hash.startsWith("#") ? hash.slice(1) : hash;
  const question = raw.indexOf("?");
  const equals = raw.indexOf("=");
  if (question >= 0 && (equals < 0 || question < equals)) raw = raw.slice(question + 1);
  const base = readHashParams(raw);
  if (base === null) return null;
  const params = new URLSearchParams(raw);
  const parsed = parseInitData(base.initData);
  const user = parsed.ok ? parsed.value.user : null;
  const startParam = params.get("tgWebAppStartParam");
  return {
    initData: base.initData,
    ...(user === null ? {} : { user }),
    version: base.version !== null && base.version.length > 0 ? base.version : "6.0",
    platform: base.platform !== null && base.platform.length > 0 ? base.platform : "unknown",
    themeParams: parseThemeParams(parseJson(params.get("tgWebAppThemeParams"))),
    ...(startParam === null || startParam.length === 0 ? {} : { startParam }),
  };
}

/** The sessionStorage key where {@link currentLaunchParams} keeps the launch hash for this tab. */
export const LAUNCH_STORAGE_KEY = "whisper:telegram-launch";

function sessionStorageOf(host: object): Pick<Storage, "getItem" | "setItem"> | null {
  try {
    const storage: unknown = Reflect.get(host, "sessionStorage");
    const getItem = callable(storage, "getItem");
    const setItem = callable(storage, "setItem");
    if (getItem === null || setItem === null) return null;
    return {
      getItem: (key) => {
        const value = getItem(key);
        return typeof value === "string" ? value : null;
      },
      setItem: (key, value) => {
        setItem(key, value);
      },
    };
  } catch {
    // Sandboxed frames throw on any access to sessionStorage.
    return null;
  }
}

function locationHash(host: object): string {
  const location: unknown = Reflect.get(host, "location");
  if (typeof location !== "object" || location === null) return "";
  const hash: unknown = Reflect.get(location, "hash");
  return typeof hash === "string" ? hash : "";
}

/**
 * The launch parameters of this tab: read from the current hash and remembered in sessionStorage,
 * or, once the app has navigated and the hash is gone, read back from there (as Telegram's own
 * script does). Null outside Telegram and during server rendering.
 */
export function currentLaunchParams(host: object | undefined = typeof window === "undefined" ? undefined : window): WebAppLaunchParams | null {
  if (host === undefined) return null;
  const hash = locationHash(host);
  const storage = sessionStorageOf(host);
  const fromHash = readLaunchParams(hash);
  if (fromHash !== null) {
    try {
      storage?.setItem(LAUNCH_STORAGE_KEY, hash);
    } catch {
      // Storage full or blocked: the hash still works for this page load.
    }
    return fromHash;
  }
  let stored: string | null;
  try {
    stored = storage?.getItem(LAUNCH_STORAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  return stored === null ? null : readLaunchParams(stored);
}

/** True when Bot API version `version` ("7.10") is at least `minimum` ("6.1"), comparing numerically part by part. */
export function isVersionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const b = minimum.split(".").map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Theme

/** Our CSS variables (app/globals.css) that a Telegram theme sets. */
export type ThemeCssVariable = "--bg" | "--fg" | "--muted" | "--accent" | "--accent-fg" | "--card" | "--border" | "--error";

/**
 * Which Telegram keys feed which variable, first valid colour wins. `--card` takes the first that
 * differs from the page background, so cards stay visible; `--border` falls back to a mix of text
 * and background; `--accent-fg` to black or white, whichever reads better on the accent.
 */
const THEME_SOURCES: ReadonlyArray<readonly [ThemeCssVariable, readonly TelegramThemeKey[]]> = [
  ["--bg", ["bg_color", "header_bg_color"]],
  ["--fg", ["text_color"]],
  ["--muted", ["hint_color", "subtitle_text_color"]],
  ["--accent", ["button_color", "accent_text_color", "link_color"]],
  ["--accent-fg", ["button_text_color"]],
  ["--card", ["section_bg_color", "secondary_bg_color"]],
  ["--border", ["section_separator_color"]],
  ["--error", ["destructive_text_color"]],
];

function channels(color: string): [number, number, number] {
  return [Number.parseInt(color.slice(1, 3), 16), Number.parseInt(color.slice(3, 5), 16), Number.parseInt(color.slice(5, 7), 16)];
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((value) => Math.round(Math.min(255, Math.max(0, value))).toString(16).padStart(2, "0")).join("")}`;
}

/** `a` moved towards `b` by `amount` (0..1), channel by channel. Both `#rrggbb`. */
export function mixColors(a: string, b: string, amount: number): string {
  const x = channels(a);
  const y = channels(b);
  return toHex(x.map((value, i) => value + ((y[i] ?? value) - value) * amount));
}

/** WCAG relative luminance of a `#rrggbb` colour, 0 (black) … 1 (white). */
export function relativeLuminance(color: string): number {
  const [r, g, b] = channels(color).map((value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** Whether a theme is dark or light, judged by its background; null when it has none. */
export function themeColorScheme(theme: TelegramThemeParams): "light" | "dark" | null {
  const bg = normalizeColor(theme.bg_color) ?? normalizeColor(theme.header_bg_color);
  return bg === null ? null : relativeLuminance(bg) < 0.2 ? "dark" : "light";
}

/**
 * Maps a Telegram theme to our CSS variables (see {@link THEME_SOURCES} for which key feeds which).
 * Only valid colours are used; a variable with no source is left out, so the stylesheet's default stays.
 */
export function themeToCssVariables(theme: TelegramThemeParams): Partial<Record<ThemeCssVariable, string>> {
  const vars: Partial<Record<ThemeCssVariable, string>> = {};
  for (const [variable, keys] of THEME_SOURCES) {
    const colors = keys.map((key) => normalizeColor(theme[key])).filter((color): color is string => color !== null);
    const chosen = variable === "--card" ? (colors.find((color) => color !== vars["--bg"]) ?? colors[0]) : colors[0];
    if (chosen !== undefined) vars[variable] = chosen;
  }
  const bg = vars["--bg"];
  const fg = vars["--fg"];
  if (vars["--border"] === undefined && bg !== undefined && fg !== undefined) vars["--border"] = mixColors(bg, fg, 0.15);
  const accent = vars["--accent"];
  if (vars["--accent-fg"] === undefined && accent !== undefined) vars["--accent-fg"] = relativeLuminance(accent) > 0.4 ? "#000000" : "#ffffff";
  return vars;
}

/** Something with a style to set properties on: `document.documentElement` in the page. */
export interface StyleTarget {
  readonly style: { setProperty(name: string, value: string): void };
}

/**
 * Sets a Telegram theme on `target` (inline styles beat the stylesheet's light/dark defaults), plus
 * `color-scheme`, so form controls and scrollbars match. Call it at start and on {@link onThemeChanged}.
 */
export function applyTelegramTheme(theme: TelegramThemeParams, target: StyleTarget): void {
  for (const [name, value] of Object.entries(themeToCssVariables(theme))) target.style.setProperty(name, value);
  const scheme = themeColorScheme(theme);
  if (scheme !== null) target.style.setProperty("color-scheme", scheme);
}

// ---------------------------------------------------------------------------------------------
// The event bridge

/** Receives an event's data as Telegram sent it (already parsed JSON, or null). */
export type TelegramEventHandler = (eventData: unknown) => void;

/** How methods reached Telegram: through the app's proxy, the parent frame, or not at all. */
export type PostResult = "proxy" | "iframe" | "none";

/** Our side of Telegram's web-events protocol; {@link createTelegramBridge} makes one. */
export interface TelegramBridge {
  /** The launch parameters the bridge found (null outside Telegram, or in a plain browser tab). */
  readonly launchParams: WebAppLaunchParams | null;
  /** True when methods have somewhere to go: a Telegram app's proxy, or Telegram Web as the parent frame. */
  isAvailable(): boolean;
  /** Calls a Telegram method (`web_app_ready`, `web_app_setup_back_button`…). */
  postEvent(eventType: string, eventData?: unknown): PostResult;
  /** Listens for a Telegram event (`back_button_pressed`, `viewport_changed`…); returns the unsubscribe function. */
  on(eventType: string, handler: TelegramEventHandler): () => void;
  /** Stops listening and puts back any `receiveEvent` it replaced. */
  dispose(): void;
}

/** Options of {@link createTelegramBridge}. */
export interface BridgeOptions {
  /** The origin Telegram Web runs at; messages go only there and are accepted only from there. */
  readonly trustedOrigin?: string;
  /** Default {@link currentLaunchParams} of the host. */
  readonly launchParams?: WebAppLaunchParams | null;
}

/** Telegram Web's origin (web.telegram.org/a and /k). */
export const TELEGRAM_WEB_ORIGIN = "https://web.telegram.org";

function callable(value: unknown, method: string): ((...args: unknown[]) => unknown) | null {
  if (typeof value !== "object" || value === null) return null;
  const fn: unknown = Reflect.get(value, method);
  return typeof fn === "function" ? (...args: unknown[]) => Reflect.apply(fn, value, args) : null;
}

function objectProperty(host: object, key: string): object | null {
  const value: unknown = Reflect.get(host, key);
  return typeof value === "object" && value !== null ? value : null;
}

/** A `message` event as far as the bridge reads it; the DOM's MessageEvent fits. */
interface MessageLike {
  readonly source: unknown;
  readonly origin: string;
  readonly data: unknown;
}

function isMessageLike(event: unknown): event is MessageLike {
  return typeof event === "object" && event !== null && "origin" in event && typeof event.origin === "string" && "data" in event && "source" in event;
}

/**
 * Connects to Telegram through `host` (the page's `window`; a stand-in in tests): installs
 * `host.Telegram.WebView.receiveEvent` (keeping and still calling one that was already there) and,
 * inside a frame, a `message` listener that accepts only Telegram Web's origin and the parent frame.
 */
export function createTelegramBridge(host: object, options: BridgeOptions = {}): TelegramBridge {
  const trustedOrigin = options.trustedOrigin ?? TELEGRAM_WEB_ORIGIN;
  const launchParams = options.launchParams !== undefined ? options.launchParams : currentLaunchParams(host);
  const parent: unknown = Reflect.get(host, "parent");
  const inFrame = parent !== undefined && parent !== null && parent !== host;
  const handlers = new Map<string, Set<TelegramEventHandler>>();

  const dispatch = (eventType: unknown, eventData: unknown): void => {
    if (typeof eventType !== "string") return;
    log.debug(`< ${eventType}`);
    for (const handler of handlers.get(eventType) ?? []) {
      try {
        handler(eventData ?? null);
      } catch (error) {
        log.error(`a handler for ${eventType} failed`, error);
      }
    }
  };

  // Telegram's apps call window.Telegram.WebView.receiveEvent(eventType, eventData).
  const telegram = objectProperty(host, "Telegram") ?? {};
  if (Reflect.get(host, "Telegram") !== telegram) Reflect.set(host, "Telegram", telegram);
  const webView = objectProperty(telegram, "WebView") ?? {};
  if (Reflect.get(telegram, "WebView") !== webView) Reflect.set(telegram, "WebView", webView);
  const original: unknown = Reflect.get(webView, "receiveEvent");
  const previous = callable(webView, "receiveEvent");
  const receiveEvent = (eventType: unknown, eventData: unknown): void => {
    dispatch(eventType, eventData);
    previous?.(eventType, eventData);
  };
  Reflect.set(webView, "receiveEvent", receiveEvent);
  // Older clients call TelegramGameProxy.receiveEvent instead.
  const gameProxy = objectProperty(host, "TelegramGameProxy");
  const installedGameProxy = gameProxy === null;
  if (installedGameProxy) Reflect.set(host, "TelegramGameProxy", { receiveEvent });

  const onMessage = (event: unknown): void => {
    if (!isMessageLike(event) || event.source !== parent || event.origin !== trustedOrigin || typeof event.data !== "string") return;
    const message = parseJson(event.data);
    if (typeof message !== "object" || message === null) return;
    dispatch(Reflect.get(message, "eventType"), Reflect.get(message, "eventData"));
  };
  const addListener = callable(host, "addEventListener");
  if (inFrame) addListener?.("message", onMessage);

  const postToProxy = (eventType: string, eventData: unknown): boolean => {
    const post = callable(Reflect.get(host, "TelegramWebviewProxy"), "postEvent");
    if (post === null) return false;
    post(eventType, JSON.stringify(eventData === undefined ? "" : eventData));
    return true;
  };

  return {
    launchParams,
    isAvailable: () => callable(Reflect.get(host, "TelegramWebviewProxy"), "postEvent") !== null || (inFrame && launchParams !== null),
    postEvent(eventType, eventData) {
      try {
        if (postToProxy(eventType, eventData)) return "proxy";
        // Only inside Telegram Web: elsewhere a parent frame of another origin would log an error for every message.
        if (inFrame && launchParams !== null) {
          const postMessage = callable(parent, "postMessage");
          if (postMessage !== null) {
            postMessage(JSON.stringify({ eventType, eventData: eventData === undefined ? "" : eventData }), trustedOrigin);
            return "iframe";
          }
        }
      } catch (error) {
        log.warn(`posting ${eventType} to Telegram failed`, error);
      }
      return "none";
    },
    on(eventType, handler) {
      const set = handlers.get(eventType) ?? new Set<TelegramEventHandler>();
      handlers.set(eventType, set);
      set.add(handler);
      return () => {
        set.delete(handler);
      };
    },
    dispose() {
      handlers.clear();
      if (inFrame) callable(host, "removeEventListener")?.("message", onMessage);
      // Put back what was there, unless someone has replaced our hook since.
      if (Reflect.get(webView, "receiveEvent") === receiveEvent) {
        if (typeof original === "function") Reflect.set(webView, "receiveEvent", original);
        else Reflect.deleteProperty(webView, "receiveEvent");
      }
      if (installedGameProxy) Reflect.deleteProperty(host, "TelegramGameProxy");
    },
  };
}

let pageBridge: TelegramBridge | null = null;

/**
 * The page's bridge, created on first use over `window`; null during server rendering. Everything
 * below defaults to it.
 */
export function telegramBridge(): TelegramBridge | null {
  if (typeof window === "undefined") return null;
  pageBridge ??= createTelegramBridge(window);
  return pageBridge;
}

/** Calls a Telegram method through the page's bridge (or `bridge`); "none" outside Telegram. */
export function postEvent(eventType: string, eventData?: unknown, bridge: TelegramBridge | null = telegramBridge()): PostResult {
  return bridge?.postEvent(eventType, eventData) ?? "none";
}

function listen(eventType: string, handler: TelegramEventHandler, bridge: TelegramBridge | null): () => void {
  return bridge?.on(eventType, handler) ?? (() => undefined);
}

/** Tells Telegram the app has rendered (`web_app_ready`), so it drops its loading placeholder. Call it once, after the first paint. */
export function ready(bridge: TelegramBridge | null = telegramBridge()): PostResult {
  return postEvent("web_app_ready", undefined, bridge);
}

/** Asks Telegram to open the app at full height (`web_app_expand`). */
export function expand(bridge: TelegramBridge | null = telegramBridge()): PostResult {
  return postEvent("web_app_expand", undefined, bridge);
}

/**
 * Shows or hides Telegram's back button (`web_app_setup_back_button`, Bot API 6.1+; does nothing on
 * older clients). Pair it with {@link onBackButtonPressed}.
 */
export function setupBackButton(visible: boolean, bridge: TelegramBridge | null = telegramBridge()): PostResult {
  const version = bridge?.launchParams?.version;
  if (version !== undefined && !isVersionAtLeast(version, "6.1")) return "none";
  return postEvent("web_app_setup_back_button", { is_visible: visible }, bridge);
}

/** Calls `callback` when the user presses Telegram's back button (`back_button_pressed`). Returns the unsubscribe function. */
export function onBackButtonPressed(callback: () => void, bridge: TelegramBridge | null = telegramBridge()): () => void {
  return listen("back_button_pressed", () => callback(), bridge);
}

/** The Mini App's viewport as `viewport_changed` reports it (height in CSS pixels). */
export interface ViewportState {
  readonly height: number;
  readonly width?: number;
  readonly isExpanded: boolean;
  /** False while the user is dragging the sheet; wait for a stable state before laying out. */
  readonly isStateStable: boolean;
}

/** Reads a `viewport_changed` payload; null when it has no numeric height. */
export function parseViewport(eventData: unknown): ViewportState | null {
  if (typeof eventData !== "object" || eventData === null) return null;
  const height: unknown = Reflect.get(eventData, "height");
  const width: unknown = Reflect.get(eventData, "width");
  if (typeof height !== "number" || !Number.isFinite(height)) return null;
  return {
    height,
    ...(typeof width === "number" && Number.isFinite(width) ? { width } : {}),
    isExpanded: Reflect.get(eventData, "is_expanded") === true,
    isStateStable: Reflect.get(eventData, "is_state_stable") === true,
  };
}

/** Asks Telegram for the current viewport (`web_app_request_viewport`); the answer comes as {@link onViewportChanged}. */
export function requestViewport(bridge: TelegramBridge | null = telegramBridge()): PostResult {
  return postEvent("web_app_request_viewport", undefined, bridge);
}

/** Calls `callback` on each `viewport_changed`. Returns the unsubscribe function. */
export function onViewportChanged(callback: (viewport: ViewportState) => void, bridge: TelegramBridge | null = telegramBridge()): () => void {
  return listen(
    "viewport_changed",
    (eventData) => {
      const viewport = parseViewport(eventData);
      if (viewport !== null) callback(viewport);
    },
    bridge,
  );
}

/** Asks Telegram for the current theme (`web_app_request_theme`); the answer comes as {@link onThemeChanged}. */
export function requestTheme(bridge: TelegramBridge | null = telegramBridge()): PostResult {
  return postEvent("web_app_request_theme", undefined, bridge);
}

/** Calls `callback` with the new theme (valid colours only) on each `theme_changed`. Returns the unsubscribe function. */
export function onThemeChanged(callback: (theme: TelegramThemeParams) => void, bridge: TelegramBridge | null = telegramBridge()): () => void {
  return listen(
    "theme_changed",
    (eventData) => {
      if (typeof eventData !== "object" || eventData === null) return;
      callback(parseThemeParams(Reflect.get(eventData, "theme_params")));
    },
    bridge,
  );
}

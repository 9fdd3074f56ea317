/**
 * The app as a Telegram Mini App, without Telegram's `telegram-web-app.js` (a cross-origin script
 * that COEP `require-corp` would block, and that we only need a few lines of): launch parameters are
 * read in launch-params.ts, the theme is turned into CSS in theme.ts, and here
 * a small event bridge ({@link createTelegramBridge}) speaks Telegram's web-events protocol
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
import { callable } from "./callable";
import { currentLaunchParams, isVersionAtLeast, parseJson, type WebAppLaunchParams } from "./launch-params";
import { parseThemeParams, type TelegramThemeParams } from "./theme";

const log = createLogger("telegram-webapp");

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

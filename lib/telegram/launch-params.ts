/**
 * Telegram's Mini App launch parameters: the one place the page reads them (from the URL hash, kept
 * in sessionStorage for the tab's life, since client-side navigation drops the hash) and reads the
 * user out of the init data (via init-data.ts). The Telegram runner and the shell take them from here.
 */
import { callable } from "./callable";
import { parseInitData, type InitDataUser } from "./init-data";
import { parseThemeParams, type TelegramThemeParams } from "./theme";

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

/** Parses JSON text, or undefined when it is null or not JSON (Telegram sends some fields as JSON strings). */
export function parseJson(text: string | null): unknown {
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
  const params = new URLSearchParams(raw);
  const initData = params.get("tgWebAppData");
  if (initData === null || initData.length === 0) return null;
  const parsed = parseInitData(initData);
  const user = parsed.ok ? parsed.value.user : null;
  const version = params.get("tgWebAppVersion");
  const platform = params.get("tgWebAppPlatform");
  const startParam = params.get("tgWebAppStartParam");
  return {
    initData,
    ...(user === null ? {} : { user }),
    version: version !== null && version.length > 0 ? version : "6.0",
    platform: platform !== null && platform.length > 0 ? platform : "unknown",
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

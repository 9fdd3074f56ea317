/**
 * Which strategy the service worker uses for a request, as one pure function so the rules are
 * unit-tested and readable in one place. Precached files (the app's static assets and the plain
 * ONNX Runtime build) are answered from the precache before these rules are consulted.
 */
import { SHARE_TARGET_PATH } from "./share-target";

/** Names of the service worker's own caches (besides workbox's precache). */
export const SW_CACHES = {
  /**
   * Prefix of the page HTML cache (network first; the offline fallback). Each service worker
   * version has its own, see {@link pagesCacheName}.
   */
  pagesPrefix: "pages-",
  /** `/_next/static/` files of a newer build than the precache (hashed names, so cache first). */
  nextStatic: "next-static",
  /** ONNX Runtime files not precached (the WebGPU build), kept after first use. */
  ort: "ort-runtime",
  /** The web app manifest and other small files of the shell. */
  shell: "app-shell",
} as const;

/**
 * The page cache of one service worker version. A new version, while it waits, must not put its
 * page into the cache the running version serves offline: that page would ask for static files
 * only the new version has.
 */
export function pagesCacheName(version: string): string {
  return `${SW_CACHES.pagesPrefix}${version}`;
}

/** A short, stable hash of a string (FNV-1a, 32 bits, hex); names a service worker version by its precache list. */
export function versionHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** Path of the page every offline navigation falls back to. */
export const APP_SHELL_PATH = "/";

/**
 * How the service worker answers a request:
 * - `share-target`: the share target's POST; the file is stored and the page opened.
 * - `navigation`: network first, the cached page when offline.
 * - `next-static`, `ort-runtime`: cache first (immutable files).
 * - `shell`: stale while revalidate.
 * - `network`: not touched at all. Model files (`/models/…`, the Hugging Face Hub) are cached by
 *   transformers.js itself and must not be stored a second time; cross-origin requests, the
 *   relay's live connections and anything else dynamic go straight to the network.
 */
export type SwRoute = "share-target" | "navigation" | "next-static" | "ort-runtime" | "shell" | "network";

/** The facts about a request the rules look at. */
export interface RouteRequest {
  readonly url: string;
  readonly method: string;
  readonly mode: RequestMode;
}

/** Picks the strategy for a request to the service worker at `origin`. */
export function routeFor(request: RouteRequest, origin: string): SwRoute {
  const url = new URL(request.url);
  if (url.origin !== origin) return "network";
  const path = url.pathname;
  if (request.method === "POST") return path === SHARE_TARGET_PATH ? "share-target" : "network";
  if (request.method !== "GET") return "network";
  if (path.startsWith("/models/")) return "network";
  if (request.mode === "navigate") return "navigation";
  if (path.startsWith("/_next/static/")) return path.endsWith(".wasm") ? "network" : "next-static";
  if (path.startsWith("/ort/")) return "ort-runtime";
  if (path === "/manifest.webmanifest") return "shell";
  return "network";
}

/** The message the page posts (workbox-window's `messageSkipWaiting`) to activate a waiting version. */
export function isSkipWaitingMessage(data: unknown): boolean {
  return typeof data === "object" && data !== null && "type" in data && data.type === "SKIP_WAITING";
}

/** The cache key for a page: its path without the query, so `/?share=…` and `/` share one entry. */
export function pageCacheKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * A copy of `response` with no URL of its own. A service worker answering with it makes the browser
 * use the request's URL, e.g. as a worker's `location` (query string included).
 */
export function detachedCopy(response: Response): Response {
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

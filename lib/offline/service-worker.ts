/**
 * The service worker, bundled on its own by scripts/build-sw.mjs (esbuild, then workbox-build
 * injects the precache list at `self.__WB_MANIFEST`) into public/sw.js after `next build`.
 * - Precaches the app's static files (`/_next/static/…`), icons and the plain ONNX Runtime build
 *   (`/ort/ort-wasm-simd-threaded.{mjs,wasm}`), so transcription on WASM works offline.
 * - Pages are rendered per request: network first, the cached page when offline. Responses keep
 *   the cross-origin isolation headers, so the page keeps its WASM threads offline.
 * - Model files are never cached here; transformers.js keeps the one copy (lib/model/cache.ts).
 * - Receives shared files (the manifest's share target) without uploading them.
 * - A new version waits until the page asks it to take over (workbox-window `messageSkipWaiting`),
 *   so one page never mixes files of two builds.
 * Request routing rules live in lib/offline/routes.ts.
 */
import { clientsClaim } from "workbox-core";
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from "workbox-precaching";
import { registerRoute } from "workbox-routing";
import { CacheFirst, NetworkFirst, StaleWhileRevalidate } from "workbox-strategies";
import type { RouteHandlerCallbackOptions, RouteMatchCallbackOptions } from "workbox-core/types";
import { withIsolationHeaders } from "./isolation-headers";
import { createLogger } from "../logger";
import { MODEL_CACHE_NAME } from "../model/cache";
import { firstSharedFile, shareRedirectPath, storeSharedFile, type ShareOutcome } from "./share-target";
import { APP_SHELL_PATH, SW_CACHES, detachedCopy, isSkipWaitingMessage, pageCacheKey, pagesCacheName, routeFor, versionHash, type SwRoute } from "./routes";

declare const self: ServiceWorkerGlobalScope & { readonly __WB_MANIFEST: (PrecacheEntry | string)[] };

const log = createLogger("sw");
const manifest = self.__WB_MANIFEST;
const pagesCache = pagesCacheName(versionHash(JSON.stringify(manifest)));
const origin = self.location.origin;

addPlugins([
  {
    // A worker's `location` is the URL of the response that started it, and a precached response
    // carries its URL without the request's fragment or query: a copy without a URL makes the
    // browser use the request's, so Turbopack's worker bootstrap still finds its `#params=…`.
    // (`request` here is the precache key; the page's own request is the event's.)
    cachedResponseWillBeUsed: async ({ event, cachedResponse }) =>
      cachedResponse !== undefined && event instanceof FetchEvent && cachedResponse.url !== event.request.url ? detachedCopy(cachedResponse) : cachedResponse,
  },
]);
precacheAndRoute(manifest, {
  // Turbopack starts shared workers as `turbopack-worker-….js?params=…`; the file is the same.
  ignoreURLParametersMatching: [/^params$/, /^utm_/, /^fbclid$/],
  cleanURLs: false,
});
cleanupOutdatedCaches();
clientsClaim();

function matches(route: SwRoute) {
  return ({ request }: RouteMatchCallbackOptions): boolean => routeFor({ url: request.url, method: request.method, mode: request.mode }, origin) === route;
}

const pages = new NetworkFirst({
  cacheName: pagesCache,
  networkTimeoutSeconds: 5,
  matchOptions: { ignoreVary: true },
  plugins: [{ cacheKeyWillBeUsed: async ({ request }) => pageCacheKey(request.url) }],
});

async function appShell(): Promise<Response | undefined> {
  return caches.match(pageCacheKey(new URL(APP_SHELL_PATH, origin).href), { cacheName: pagesCache, ignoreVary: true });
}

async function navigate(options: RouteHandlerCallbackOptions): Promise<Response> {
  try {
    return withIsolationHeaders(await pages.handle({ event: options.event, request: options.request }));
  } catch (error) {
    // Offline and this path was never cached: the app is one page, so show it.
    const shell = await appShell();
    if (shell !== undefined) return withIsolationHeaders(shell);
    log.warn("offline and no cached page to show", error);
    return Response.error();
  }
}

async function receiveShare({ request }: RouteHandlerCallbackOptions): Promise<Response> {
  let outcome: ShareOutcome;
  try {
    const file = firstSharedFile(await request.formData());
    outcome = file === null ? { kind: "empty" } : { kind: "file", id: await storeSharedFile(file, caches, origin) };
  } catch (error) {
    log.warn("could not keep the shared file", error);
    outcome = { kind: "failed" };
  }
  return Response.redirect(new URL(shareRedirectPath(outcome), origin).href, 303);
}

registerRoute(matches("share-target"), receiveShare, "POST");
registerRoute(matches("navigation"), navigate);
registerRoute(matches("next-static"), new CacheFirst({ cacheName: SW_CACHES.nextStatic }));
registerRoute(matches("ort-runtime"), new CacheFirst({ cacheName: SW_CACHES.ort }));
registerRoute(matches("shell"), new StaleWhileRevalidate({ cacheName: SW_CACHES.shell }));

/** Stores the page and the manifest so the first offline visit works without another online one. */
async function warmShell(): Promise<void> {
  const targets: readonly [string, string][] = [
    [APP_SHELL_PATH, pagesCache],
    ["/manifest.webmanifest", SW_CACHES.shell],
  ];
  for (const [path, cacheName] of targets) {
    try {
      const url = new URL(path, origin).href;
      const response = await fetch(url, { cache: "no-store" });
      if (response.ok) await (await caches.open(cacheName)).put(cacheName === pagesCache ? pageCacheKey(url) : url, response);
    } catch (error) {
      log.warn(`could not store ${path} for offline use`, error);
    }
  }
}

/** Deletes other versions' pages, runtime copies of static files, and ONNX Runtime files an older app version stored in the model cache. */
async function removeStaleCaches(): Promise<void> {
  for (const name of await caches.keys()) {
    if ((name.startsWith(SW_CACHES.pagesPrefix) && name !== pagesCache) || name === SW_CACHES.nextStatic) await caches.delete(name);
  }
  if (await caches.has(MODEL_CACHE_NAME)) {
    const models = await caches.open(MODEL_CACHE_NAME);
    for (const request of await models.keys()) {
      const url = new URL(request.url);
      if (url.origin === origin && url.pathname.startsWith("/ort/")) await models.delete(request);
    }
  }
}

self.addEventListener("install", (event) => event.waitUntil(warmShell()));
self.addEventListener("activate", (event) => event.waitUntil(removeStaleCaches()));
self.addEventListener("message", (event) => {
  if (isSkipWaitingMessage(event.data)) void self.skipWaiting();
});

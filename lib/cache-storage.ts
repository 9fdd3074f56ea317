/**
 * The slice of the Cache API (CacheStorage and Cache) that the app's own cache code uses: the page,
 * the service worker and unit tests (with an in-memory stand-in) all pass one of these. The
 * browser's `caches` satisfies it as is.
 */

/** One named cache: the operations our code needs, keyed by absolute URL strings. */
export interface CacheLike {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
  keys(): Promise<readonly Request[]>;
}

/** The set of named caches of one origin (`self.caches` in a page, worker or service worker). */
export interface CacheStorageLike {
  open(cacheName: string): Promise<CacheLike>;
  has(cacheName: string): Promise<boolean>;
}

/** The browser's CacheStorage, or null where there is none (insecure origins, some private modes). */
export function browserCaches(): CacheStorageLike | null {
  return typeof caches === "undefined" ? null : caches;
}

/**
 * An in-memory stand-in for the Cache API (CacheStorage + Cache) for unit tests of code that takes
 * a CacheStorageLike (lib/cache-storage.ts). Bodies are read once on put, as a real cache would.
 */
import type { CacheLike, CacheStorageLike } from "../../lib/cache-storage";

interface Stored {
  readonly body: ArrayBuffer;
  readonly status: number;
  readonly headers: [string, string][];
}

export class MemoryCache implements CacheLike {
  readonly entries = new Map<string, Stored>();

  async match(request: string): Promise<Response | undefined> {
    const stored = this.entries.get(request);
    return stored === undefined ? undefined : new Response(stored.body.slice(0), { status: stored.status, headers: stored.headers });
  }

  async put(request: string, response: Response): Promise<void> {
    const body = await response.arrayBuffer();
    this.entries.set(request, { body, status: response.status, headers: [...response.headers.entries()] });
  }

  async delete(request: string): Promise<boolean> {
    return this.entries.delete(request);
  }

  async keys(): Promise<readonly Request[]> {
    return [...this.entries.keys()].map((url) => new Request(url));
  }
}

export class MemoryCacheStorage implements CacheStorageLike {
  readonly caches = new Map<string, MemoryCache>();

  async open(cacheName: string): Promise<MemoryCache> {
    const existing = this.caches.get(cacheName);
    if (existing !== undefined) return existing;
    const created = new MemoryCache();
    this.caches.set(cacheName, created);
    return created;
  }

  async has(cacheName: string): Promise<boolean> {
    return this.caches.has(cacheName);
  }
}

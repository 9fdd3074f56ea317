/**
 * Key-value storage for small settings and learned facts: the page's localStorage when it works,
 * a Map otherwise. Use {@link browserStorage} in the page and {@link createMemoryStorage} in tests;
 * workers have no localStorage, so keep such state on the page.
 */

/** The slice of `Storage` we use; `localStorage` satisfies it, and so does {@link createMemoryStorage}. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A {@link KeyValueStorage} over a `Map`, for tests and for browsers where localStorage throws. */
export function createMemoryStorage(map: Map<string, string> = new Map()): KeyValueStorage {
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => {
      map.set(key, value);
    },
    removeItem: (key) => {
      map.delete(key);
    },
  };
}

/**
 * The page's localStorage when it can be used (it throws in sandboxed frames and some private
 * modes), else an in-memory store that lasts for this page only.
 */
export function browserStorage(): KeyValueStorage {
  try {
    const storage = globalThis.localStorage;
    const probe = "whisper:storage-probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return createMemoryStorage();
  }
}

/**
 * `storage` that never throws: a blocked or full storage reads as empty and loses writes, with a
 * warning through `onWriteError`. For state that is nice to keep but must not break the page
 * (a linked session, a toggle), when storage may be revoked after the page opened.
 */
export function forgivingStorage(storage: KeyValueStorage, onWriteError: (key: string, error: unknown) => void): KeyValueStorage {
  return {
    getItem: (key) => {
      try {
        return storage.getItem(key);
      } catch {
        return null;
      }
    },
    setItem: (key, value) => {
      try {
        storage.setItem(key, value);
      } catch (error) {
        onWriteError(key, error);
      }
    },
    removeItem: (key) => {
      try {
        storage.removeItem(key);
      } catch {
        // Storage is blocked, so nothing was kept either.
      }
    },
  };
}

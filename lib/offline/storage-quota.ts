/**
 * How much this origin stores and may store (`navigator.storage.estimate()`), and whether the
 * browser has promised to keep it (`navigator.storage.persist()`): without that promise a browser
 * may evict the cached models when the device runs low on space.
 */

/** The storage facts the settings panel shows; null where the browser does not say. */
export interface StorageStatus {
  readonly usage: number | null;
  readonly quota: number | null;
  /** True when storage is persistent, false when it may be evicted, null when the browser cannot tell. */
  readonly persisted: boolean | null;
}

/** The part of `navigator.storage` used here. */
export type StorageManagerLike = Pick<StorageManager, "estimate" | "persisted" | "persist">;

/** The browser's storage manager, or null where there is none (insecure origins, old browsers). */
export function browserStorageManager(): StorageManagerLike | null {
  return typeof navigator === "undefined" || navigator.storage === undefined ? null : navigator.storage;
}

/** Reads usage, quota and persistence; never throws (unknowns come back as null). */
export async function readStorageStatus(storage: StorageManagerLike | null): Promise<StorageStatus> {
  if (storage === null) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => null),
    typeof storage.persisted === "function" ? storage.persisted().catch(() => null) : Promise.resolve(null),
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/** Asks the browser to keep this origin's storage; resolves with its answer (null when it cannot be asked). */
export async function requestPersistentStorage(storage: StorageManagerLike | null): Promise<boolean | null> {
  if (storage === null || typeof storage.persist !== "function") return null;
  return storage.persist().catch(() => null);
}

/** Bytes as a short human string ("41.2 MB", "2.1 GB"). */
export function formatStorageBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

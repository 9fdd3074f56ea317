import { describe, expect, it } from "vitest";
import { formatStorageBytes, readStorageStatus, requestPersistentStorage, type StorageManagerLike } from "@/lib/offline/storage-quota";

function manager(overrides: Partial<StorageManagerLike> = {}): StorageManagerLike {
  return {
    estimate: async () => ({ usage: 41_000_000, quota: 2_000_000_000 }),
    persisted: async () => false,
    persist: async () => true,
    ...overrides,
  };
}

describe("storage status", () => {
  it("reads usage, quota and persistence", async () => {
    expect(await readStorageStatus(manager())).toEqual({ usage: 41_000_000, quota: 2_000_000_000, persisted: false });
    expect(await requestPersistentStorage(manager())).toBe(true);
  });

  it("never throws: unknowns come back as null", async () => {
    expect(await readStorageStatus(null)).toEqual({ usage: null, quota: null, persisted: null });
    const broken = manager({ estimate: () => Promise.reject(new Error("denied")), persist: () => Promise.reject(new Error("denied")) });
    expect(await readStorageStatus(broken)).toEqual({ usage: null, quota: null, persisted: false });
    expect(await requestPersistentStorage(broken)).toBeNull();
  });

  it("formats sizes", () => {
    expect(formatStorageBytes(41_234_567)).toBe("41.2 MB");
    expect(formatStorageBytes(2_100_000_000)).toBe("2.1 GB");
    expect(formatStorageBytes(900)).toBe("900 B");
  });
});

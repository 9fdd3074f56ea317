import { describe, expect, test } from "vitest";
import { createMemoryStorage, forgivingStorage, type KeyValueStorage } from "@/lib/storage";

const blocked: KeyValueStorage = {
  getItem: () => {
    throw new DOMException("denied", "SecurityError");
  },
  setItem: () => {
    throw new DOMException("full", "QuotaExceededError");
  },
  removeItem: () => {
    throw new DOMException("denied", "SecurityError");
  },
};

describe("storage", () => {
  test("memory storage keeps, reads and removes", () => {
    const storage = createMemoryStorage();
    storage.setItem("a", "1");
    expect(storage.getItem("a")).toBe("1");
    storage.removeItem("a");
    expect(storage.getItem("a")).toBeNull();
  });

  test("forgiving storage never throws: blocked reads are empty, failed writes are reported", () => {
    const failures: string[] = [];
    const storage = forgivingStorage(blocked, (key, error) => failures.push(`${key}: ${error instanceof DOMException ? error.name : "?"}`));
    expect(storage.getItem("k")).toBeNull();
    storage.setItem("k", "v");
    storage.removeItem("k");
    expect(failures).toEqual(["k: QuotaExceededError"]);
    const working = forgivingStorage(createMemoryStorage(), () => failures.push("unexpected"));
    working.setItem("k", "v");
    expect(working.getItem("k")).toBe("v");
  });
});

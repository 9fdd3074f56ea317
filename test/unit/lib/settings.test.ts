import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, SETTINGS_KEY, loadSettings, parseSettings, saveSettings } from "@/lib/settings";
import { createMemoryStorage } from "@/lib/storage";

describe("settings", () => {
  it("default when nothing or garbage is stored", () => {
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings("{not json")).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings("42")).toEqual(DEFAULT_SETTINGS);
  });

  it("keep valid fields and default invalid ones one by one", () => {
    expect(parseSettings(JSON.stringify({ quality: "high", model: "whisper-large", device: "webgpu", idleUnloadMinutes: -3 }))).toEqual({
      quality: "high",
      model: null,
      device: "webgpu",
      idleUnloadMinutes: DEFAULT_SETTINGS.idleUnloadMinutes,
    });
  });

  it("round-trip through storage", () => {
    const storage = createMemoryStorage();
    const settings = { quality: "low", model: "whisper-base", device: "wasm", idleUnloadMinutes: 0 } as const;
    expect(saveSettings(storage, settings)).toBe(true);
    expect(storage.getItem(SETTINGS_KEY)).not.toBeNull();
    expect(loadSettings(storage)).toEqual(settings);
  });

  it("survive storage that throws", () => {
    const broken = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => undefined,
    };
    expect(loadSettings(broken)).toEqual(DEFAULT_SETTINGS);
    expect(saveSettings(broken, DEFAULT_SETTINGS)).toBe(false);
  });
});

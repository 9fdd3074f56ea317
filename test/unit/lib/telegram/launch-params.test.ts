import { describe, expect, it } from "vitest";
import { LAUNCH_STORAGE_KEY, currentLaunchParams, isVersionAtLeast, readLaunchParams } from "../../../../lib/telegram/launch-params";
import { HASH, INIT_DATA, IOS_LIGHT } from "./launch-fixtures";

describe("readLaunchParams", () => {
  it("reads a realistic iOS launch hash", () => {
    const params = readLaunchParams(HASH);
    expect(params).toEqual({
      initData: INIT_DATA,
      user: { id: 279058397, first_name: "Vladislav", last_name: "Kibenko", username: "vdkfrost", language_code: "ru" },
      version: "7.10",
      platform: "ios",
      themeParams: IOS_LIGHT,
    });
  });

  it("keeps init data as sent: values still URL-encoded, ready for the relay", () => {
    const params = readLaunchParams(HASH);
    expect(params?.initData).toContain("user=%7B%22id%22%3A279058397");
    expect(params?.initData.endsWith("&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2")).toBe(true);
  });

  it("accepts the hash without # and after a route", () => {
    expect(readLaunchParams(HASH.slice(1))?.platform).toBe("ios");
    expect(readLaunchParams(`#/inbox?${HASH.slice(1)}`)?.version).toBe("7.10");
  });

  it("reads the start parameter and defaults version and platform", () => {
    const params = readLaunchParams(`#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppStartParam=ref42`);
    expect(params).toMatchObject({ version: "6.0", platform: "unknown", themeParams: {}, startParam: "ref42" });
  });

  it("copes with bad theme JSON, bad colours and init data without a user", () => {
    const theme = encodeURIComponent('{"bg_color":"red","text_color":"#000","button_color":"javascript:alert(1)","Weird Key":"#fff"}');
    const params = readLaunchParams(`#tgWebAppData=${encodeURIComponent("auth_date=1&hash=x")}&tgWebAppThemeParams=${theme}`);
    expect(params).toMatchObject({ initData: "auth_date=1&hash=x", themeParams: { text_color: "#000000" } });
    expect(params).not.toHaveProperty("user");
    expect(readLaunchParams(`#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppThemeParams=%7Bnot-json`)?.themeParams).toEqual({});
  });

  it("is null outside Telegram", () => {
    expect(readLaunchParams("")).toBeNull();
    expect(readLaunchParams("#")).toBeNull();
    expect(readLaunchParams("#section-2")).toBeNull();
    expect(readLaunchParams("#tgWebAppVersion=7.0")).toBeNull();
    expect(readLaunchParams("#tgWebAppData=")).toBeNull();
  });
});

describe("currentLaunchParams", () => {
  function storage(initial: Record<string, string> = {}) {
    const map = new Map(Object.entries(initial));
    return { getItem: (key: string) => map.get(key) ?? null, setItem: (key: string, value: string) => void map.set(key, value), map };
  }

  it("remembers the launch hash for the tab and reads it back once the hash is gone", () => {
    const sessionStorage = storage();
    const host = { location: { hash: HASH }, sessionStorage };
    expect(currentLaunchParams(host)?.platform).toBe("ios");
    expect(sessionStorage.map.get(LAUNCH_STORAGE_KEY)).toBe(HASH);
    host.location.hash = "#/history";
    expect(currentLaunchParams(host)?.initData).toBe(INIT_DATA);
  });

  it("is null outside Telegram, without a host, and survives storage that throws", () => {
    expect(currentLaunchParams({ location: { hash: "" }, sessionStorage: storage() })).toBeNull();
    expect(currentLaunchParams(undefined)).toBeNull();
    const throwing = {
      location: { hash: HASH },
      get sessionStorage(): never {
        throw new DOMException("denied", "SecurityError");
      },
    };
    expect(currentLaunchParams(throwing)?.version).toBe("7.10");
    const failingWrites = { location: { hash: HASH }, sessionStorage: { getItem: () => null, setItem: () => { throw new DOMException("full", "QuotaExceededError"); } } };
    expect(currentLaunchParams(failingWrites)?.version).toBe("7.10");
  });
});

describe("isVersionAtLeast", () => {
  it("compares numerically, part by part", () => {
    expect(isVersionAtLeast("7.10", "7.2")).toBe(true);
    expect(isVersionAtLeast("6.1", "6.1")).toBe(true);
    expect(isVersionAtLeast("6.0", "6.1")).toBe(false);
    expect(isVersionAtLeast("8", "7.10")).toBe(true);
    expect(isVersionAtLeast("6", "6.0")).toBe(true);
    expect(isVersionAtLeast("garbage", "6.1")).toBe(false);
  });
});

describe("readLaunchParams (the fields init-data.ts used to read)", () => {
  it("reads the hash Telegram puts on the Mini App URL", () => {
    const initData = "query_id=AAH&user=%7B%22id%22%3A1%2C%22first_name%22%3A%22A%22%7D&auth_date=1700000000&hash=ab";
    const hash = `#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=8.0&tgWebAppPlatform=ios&tgWebAppThemeParams=%7B%7D`;
    expect(readLaunchParams(hash)).toMatchObject({ initData, version: "8.0", platform: "ios" });
  });

  it("returns null outside Telegram", () => {
    expect(readLaunchParams("")).toBeNull();
    expect(readLaunchParams("#section")).toBeNull();
  });
});

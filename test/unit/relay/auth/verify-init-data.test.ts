import { describe, expect, it } from "vitest";
import { InitDataError, verifyInitData } from "../../../../relay/auth/verify-init-data";
import { FAKE_TOKEN, initDataFor, signInitData, testUser } from "../../../support/fake-bot-api";

const NOW = Date.now();

function reasonOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof InitDataError ? error.reason : `unexpected: ${String(error)}`;
  }
}

describe("verifyInitData", () => {
  it("accepts init data Telegram signed for this bot, signature field included", () => {
    const initData = initDataFor(FAKE_TOKEN, testUser(5, "Zoë"));
    expect(initData).toContain("signature=");
    const verified = verifyInitData(initData, FAKE_TOKEN, 3600, NOW);
    expect(verified.user).toEqual({ id: 5, firstName: "Zoë", lastName: null, username: "user5", languageCode: "en" });
  });

  it("rejects a forged hash", () => {
    const initData = initDataFor(FAKE_TOKEN, testUser(5));
    const forged = initData.replace(/hash=[0-9a-f]{64}/, `hash=${"0".repeat(64)}`);
    expect(reasonOf(() => verifyInitData(forged, FAKE_TOKEN, 3600, NOW))).toBe("forged");
  });

  it("rejects data signed for another bot", () => {
    const initData = initDataFor("999:other_bot_token", testUser(5));
    expect(reasonOf(() => verifyInitData(initData, FAKE_TOKEN, 3600, NOW))).toBe("forged");
  });

  it("rejects a tampered field (another user id under the same hash)", () => {
    const initData = initDataFor(FAKE_TOKEN, testUser(5));
    const params = new URLSearchParams(initData);
    params.set("user", String(params.get("user")).replace('"id":5', '"id":6'));
    expect(reasonOf(() => verifyInitData(params.toString(), FAKE_TOKEN, 3600, NOW))).toBe("forged");
  });

  it("rejects an expired auth_date", () => {
    const initData = initDataFor(FAKE_TOKEN, testUser(5), 7200);
    expect(reasonOf(() => verifyInitData(initData, FAKE_TOKEN, 3600, NOW))).toBe("expired");
    expect(reasonOf(() => verifyInitData(initData, FAKE_TOKEN, 86_400, NOW))).toBeNull();
  });

  it("rejects missing or malformed init data", () => {
    expect(reasonOf(() => verifyInitData("", FAKE_TOKEN, 3600, NOW))).toBe("malformed");
    expect(reasonOf(() => verifyInitData("auth_date=1&user=%7B%7D", FAKE_TOKEN, 3600, NOW))).toBe("malformed");
    const noDate = signInitData(FAKE_TOKEN, { user: JSON.stringify({ id: 1, first_name: "A" }) });
    expect(reasonOf(() => verifyInitData(noDate, FAKE_TOKEN, 3600, NOW))).toBe("malformed");
  });

  it("rejects valid init data without a user", () => {
    const initData = signInitData(FAKE_TOKEN, { auth_date: String(Math.floor(NOW / 1000)), chat_instance: "1" });
    expect(reasonOf(() => verifyInitData(initData, FAKE_TOKEN, 3600, NOW))).toBe("no-user");
  });

  it("is an UnauthorizedError (401)", () => {
    try {
      verifyInitData("", FAKE_TOKEN, 1, NOW);
    } catch (error) {
      expect(error).toBeInstanceOf(InitDataError);
      expect(error).toMatchObject({ status: 401, apiCode: "unauthorized" });
    }
  });
});

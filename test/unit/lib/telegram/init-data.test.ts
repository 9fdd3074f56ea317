import { describe, expect, it } from "vitest";
import { dataCheckString, parseInitData } from "../../../../lib/telegram/init-data";

describe("parseInitData", () => {
  const hash = "a".repeat(64);
  it("splits fields, keeps signature in the checked fields and reads the user", () => {
    const parsed = parseInitData(`auth_date=1700000000&signature=sig&user=${encodeURIComponent('{"id":5,"first_name":"A","username":"a"}')}&hash=${hash}`);
    expect(parsed.ok && parsed.value).toEqual({
      fields: [
        ["auth_date", "1700000000"],
        ["signature", "sig"],
        ["user", '{"id":5,"first_name":"A","username":"a"}'],
      ],
      hash,
      authDate: 1_700_000_000,
      user: { id: 5, first_name: "A", username: "a" },
    });
    if (parsed.ok) expect(dataCheckString(parsed.value.fields)).toBe('auth_date=1700000000\nsignature=sig\nuser={"id":5,"first_name":"A","username":"a"}');
  });

  it("sorts the data-check string by key", () => {
    expect(dataCheckString([["b", "2"], ["a", "1"], ["auth_date", "3"]])).toBe("a=1\nauth_date=3\nb=2");
  });

  it("refuses a missing hash, missing auth_date, repeated keys and bad users", () => {
    expect(parseInitData("auth_date=1").ok).toBe(false);
    expect(parseInitData(`hash=${hash}`).ok).toBe(false);
    expect(parseInitData(`auth_date=1&auth_date=2&hash=${hash}`).ok).toBe(false);
    expect(parseInitData(`auth_date=1&user=notjson&hash=${hash}`).ok).toBe(false);
  });
});

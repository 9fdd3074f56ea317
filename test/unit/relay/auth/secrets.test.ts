import { describe, expect, it } from "vitest";
import { hashSecret, newLinkCode, newSessionToken } from "../../../../relay/auth/secrets";
import { normalizeLinkCode } from "../../../../lib/relay/link-code";

describe("secrets", () => {
  it("session tokens are 32 random bytes in base64url", () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionToken()).not.toBe(token);
  });

  it("hashes are SHA-256 hex", () => {
    expect(hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("link codes normalise the way people type them", () => {
    const code = newLinkCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(normalizeLinkCode(code.toLowerCase())).toBe(code.replace("-", ""));
  });
});

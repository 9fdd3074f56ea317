import { describe, expect, test } from "vitest";
import { contentSecurityPolicy, newNonce } from "@/lib/offline/content-security-policy";

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split("; ").map((part) => {
    const [name = "", ...values] = part.split(" ");
    return [name, values];
  }));
}

describe("contentSecurityPolicy", () => {
  const base = { nonce: "abc123==", relayOrigin: "http://127.0.0.1:3001", hub: false, development: false };

  test("scripts need the nonce; WASM may compile; no eval or inline scripts in production", () => {
    const script = directives(contentSecurityPolicy(base)).get("script-src");
    expect(script).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'", "'wasm-unsafe-eval'"]);
    expect(script).not.toContain("'unsafe-inline'");
    expect(directives(contentSecurityPolicy({ ...base, development: true })).get("script-src")).toContain("'unsafe-eval'");
  });

  test("connects to itself and the relay, and to the Hub only when models come from it", () => {
    expect(directives(contentSecurityPolicy(base)).get("connect-src")).toEqual(["'self'", "http://127.0.0.1:3001"]);
    expect(directives(contentSecurityPolicy({ ...base, hub: true })).get("connect-src")).toContain("https://huggingface.co");
  });

  test("no plugins, no foreign base or forms, framed only by itself and Telegram Web", () => {
    const policy = directives(contentSecurityPolicy(base));
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'self'", "https://web.telegram.org"]);
    expect(policy.get("worker-src")).toEqual(["'self'", "blob:"]);
  });

  test("nonces are fresh base64", () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});

import { describe, expect, test } from "vitest";
import { contentSecurityPolicy, HUB_CONNECT_SOURCES, hubConnectSources, newNonce } from "@/lib/offline/content-security-policy";

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split("; ").map((part) => {
    const [name = "", ...values] = part.split(" ");
    return [name, values];
  }));
}

describe("contentSecurityPolicy", () => {
  const base = { nonce: "abc123==", relayOrigin: "http://127.0.0.1:3001", hub: null, development: false };

  test("scripts need the nonce; WASM may compile; no eval or inline scripts in production", () => {
    const script = directives(contentSecurityPolicy(base)).get("script-src");
    expect(script).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'", "'wasm-unsafe-eval'"]);
    expect(script).not.toContain("'unsafe-inline'");
    expect(directives(contentSecurityPolicy({ ...base, development: true })).get("script-src")).toContain("'unsafe-eval'");
  });

  test("connects to itself and the relay, and to the Hub only when models come from it", () => {
    expect(directives(contentSecurityPolicy(base)).get("connect-src")).toEqual(["'self'", "http://127.0.0.1:3001"]);
    expect(directives(contentSecurityPolicy({ ...base, hub: "https://huggingface.co/" })).get("connect-src")).toEqual(["'self'", "http://127.0.0.1:3001", ...HUB_CONNECT_SOURCES]);
  });

  test("with a Hub mirror, connects to the mirror (and its subdomains) instead of huggingface.co", () => {
    expect(directives(contentSecurityPolicy({ ...base, hub: "https://hf-mirror.example.org/" })).get("connect-src")).toEqual(["'self'", "http://127.0.0.1:3001", "https://hf-mirror.example.org", "https://*.hf-mirror.example.org"]);
    expect(hubConnectSources("http://127.0.0.1:8080/")).toEqual(["http://127.0.0.1:8080"]);
    expect(hubConnectSources("http://mirror.lan:8080")).toEqual(["http://mirror.lan:8080", "http://*.mirror.lan:8080"]);
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

import { describe, expect, it } from "vitest";
import { describeUser, fetchRelayHealth, linkFailure, parseAutoSetting, parseHealthBot, parseStoredSession, relayBaseUrl, serializeSession } from "../../../../lib/telegram/relay-link";
import { RelayClientError } from "../../../../lib/relay/client-error";

const user = { id: 42, firstName: "Ada", lastName: "Lovelace", username: "ada", languageCode: "en" };

describe("relayBaseUrl", () => {
  it("prefers RELAY_PUBLIC_URL, else this host on RELAY_PORT", () => {
    expect(relayBaseUrl({ relayUrl: "https://relay.example.org/", relayPort: 3001 }, { protocol: "https:", hostname: "app.example.org" })).toBe("https://relay.example.org");
    expect(relayBaseUrl({ relayUrl: null, relayPort: 3211 }, { protocol: "http:", hostname: "127.0.0.1" })).toBe("http://127.0.0.1:3211");
    expect(relayBaseUrl({ relayUrl: null, relayPort: 3001 }, { protocol: "http:", hostname: "::1" })).toBe("http://[::1]:3001");
  });
});

describe("stored session and settings", () => {
  const base = "http://127.0.0.1:3211";

  it("round-trips a session for the same relay only", () => {
    const text = serializeSession({ token: "t0k", user, baseUrl: base });
    expect(parseStoredSession(text, base)).toEqual({ token: "t0k", user, baseUrl: base });
    expect(parseStoredSession(text, "https://other.example.org")).toBeNull();
  });

  it("ignores nothing, junk and malformed users", () => {
    expect(parseStoredSession(null, base)).toBeNull();
    expect(parseStoredSession("{not json", base)).toBeNull();
    expect(parseStoredSession(JSON.stringify({ token: "", user, baseUrl: base }), base)).toBeNull();
    expect(parseStoredSession(JSON.stringify({ token: "t", user: { id: "x" }, baseUrl: base }), base)).toBeNull();
  });

  it("keeps automatic mode on unless turned off", () => {
    expect(parseAutoSetting(null)).toBe(true);
    expect(parseAutoSetting("on")).toBe(true);
    expect(parseAutoSetting("off")).toBe(false);
  });
});

describe("linking words", () => {
  it("names the user", () => {
    expect(describeUser(user)).toBe("Ada Lovelace (@ada)");
    expect(describeUser({ ...user, lastName: null, username: null })).toBe("Ada");
    expect(describeUser({ ...user, firstName: "", lastName: null, username: null })).toBe("user 42");
  });

  it("reads the health check", () => {
    expect(parseHealthBot({ bot: "enabled" })).toBe("ready");
    expect(parseHealthBot({ bot: "disabled" })).toBe("no-bot");
    expect(parseHealthBot(null)).toBe("no-bot");
  });

  it("maps failures: network and no bot are 'unavailable', 401 says which way failed", () => {
    expect(linkFailure(new RelayClientError(0, "network", "down"), "telegram")).toEqual({ kind: "unavailable", reason: "unreachable" });
    expect(linkFailure(new RelayClientError(503, "bot_disabled", "no bot"), "code")).toEqual({ kind: "unavailable", reason: "no-bot" });
    const forged = linkFailure(new RelayClientError(401, "unauthorized", "bad hash"), "telegram");
    expect(forged.kind === "failed" && forged.message).toMatch(/^Linking failed \(401\): Telegram's sign-in/);
    const code = linkFailure(new RelayClientError(401, "unauthorized", "unknown code"), "code");
    expect(code.kind === "failed" && code.message).toMatch(/^Linking failed \(401\): that code/);
    expect(linkFailure(new RelayClientError(429, "rate_limited", "slow"), "code")).toMatchObject({ kind: "failed", message: expect.stringContaining("429") });
    expect(linkFailure(new Error("boom"), "code").kind).toBe("failed");
  });
});

describe("fetchRelayHealth", () => {
  it("reads the bot state from /healthz and calls anything else unreachable", async () => {
    const asked: string[] = [];
    const answer = (body: unknown, status = 200) => async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify(body), { status });
    };
    expect(await fetchRelayHealth(answer({ bot: "enabled" }), "http://relay")).toBe("ready");
    expect(await fetchRelayHealth(answer({ bot: "disabled" }), "http://relay")).toBe("no-bot");
    expect(await fetchRelayHealth(answer({}, 503), "http://relay")).toBe("unreachable");
    expect(await fetchRelayHealth(() => Promise.reject(new TypeError("fetch failed")), "http://relay")).toBe("unreachable");
    expect(asked[0]).toBe("http://relay/healthz");
  });
});

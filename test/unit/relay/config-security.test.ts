import { describe, expect, it } from "vitest";
import { Reader } from "../../../relay/config-reader";
import { parseCors, parseSecurity, parseTrustProxy } from "../../../relay/config-security";

describe("parseCors", () => {
  it("allows only the app's own origin when nothing is configured", () => {
    expect(parseCors(new Reader({}), null)).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);
    expect(parseCors(new Reader({ PORT: "3210" }), null)).toEqual(["http://localhost:3210", "http://127.0.0.1:3210"]);
    expect(parseCors(new Reader({}), "https://app.example.org")).toEqual(["https://app.example.org"]);
  });

  it("allows any origin only when told so", () => {
    expect(parseCors(new Reader({ RELAY_CORS_ORIGIN: "*" }), null)).toEqual(["*"]);
  });

  it("refuses a list that names no origin", () => {
    const reader = new Reader({ RELAY_CORS_ORIGIN: "ftp://x/y" });
    parseCors(reader, null);
    expect(reader.problems.map((p) => p.variable)).toEqual(["RELAY_CORS_ORIGIN", "RELAY_CORS_ORIGIN"]);
  });
});

describe("parseTrustProxy", () => {
  it("trusts no proxy by default, a number of hops, or a list of addresses", () => {
    expect(parseTrustProxy(new Reader({}))).toEqual({ kind: "none" });
    expect(parseTrustProxy(new Reader({ RELAY_TRUST_PROXY: "0" }))).toEqual({ kind: "none" });
    expect(parseTrustProxy(new Reader({ RELAY_TRUST_PROXY: "1" }))).toEqual({ kind: "hops", hops: 1 });
    expect(parseTrustProxy(new Reader({ RELAY_TRUST_PROXY: "10.0.0.1, ::1" }))).toEqual({ kind: "addresses", addresses: ["10.0.0.1", "::1"] });
  });

  it("names a bad value", () => {
    const reader = new Reader({ RELAY_TRUST_PROXY: "yes please" });
    expect(parseTrustProxy(reader)).toEqual({ kind: "none" });
    expect(reader.problems.map((p) => p.variable)).toEqual(["RELAY_TRUST_PROXY"]);
  });
});

describe("parseSecurity", () => {
  it("refuses an absolute lifetime shorter than the idle expiry and bad flags", () => {
    const reader = new Reader({ SESSION_IDLE_S: "7200", SESSION_MAX_AGE_S: "3600", RELAY_ALLOW_PRIVATE_NETWORK: "yes" });
    parseSecurity(reader, null);
    expect(reader.problems.map((p) => p.variable)).toEqual(["RELAY_ALLOW_PRIVATE_NETWORK", "SESSION_MAX_AGE_S"]);
  });
});

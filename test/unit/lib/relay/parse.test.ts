import { describe, expect, it } from "vitest";
import { parseFailureRequest, parseJobGoneData } from "../../../../lib/relay/parse";

describe("parseJobGoneData", () => {
  it("reads the reason, a failure's message and a failed delivery", () => {
    expect(parseJobGoneData({ id: "j1", reason: "done" })).toEqual({ ok: true, value: { id: "j1", reason: "done" } });
    expect(parseJobGoneData({ id: "j1", reason: "failed", message: "bad file", deliveryFailed: true })).toEqual({
      ok: true,
      value: { id: "j1", reason: "failed", message: "bad file", deliveryFailed: true },
    });
  });

  it("refuses malformed optional fields", () => {
    expect(parseJobGoneData({ id: "j1", reason: "failed", message: 3 }).ok).toBe(false);
    expect(parseJobGoneData({ id: "j1", reason: "done", deliveryFailed: "yes" }).ok).toBe(false);
  });

  it("reads the failure kind, and drops one it does not know (a newer relay)", () => {
    expect(parseJobGoneData({ id: "j1", reason: "expired", failureKind: "expired" })).toEqual({ ok: true, value: { id: "j1", reason: "expired", failureKind: "expired" } });
    expect(parseJobGoneData({ id: "j1", reason: "failed", failureKind: "solar-flare" })).toEqual({ ok: true, value: { id: "j1", reason: "failed" } });
  });
});

describe("parseFailureRequest", () => {
  it("takes a posted failure kind, and refuses one a browser may not post", () => {
    expect(parseFailureRequest({ lease: "l", message: "m", failureKind: "not-audio" })).toEqual({ ok: true, value: { lease: "l", message: "m", failureKind: "not-audio" } });
    expect(parseFailureRequest({ lease: "l", message: "m" })).toEqual({ ok: true, value: { lease: "l", message: "m" } });
    expect(parseFailureRequest({ lease: "l", message: "m", failureKind: "expired" }).ok).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { parseJobGoneData, parseProgressRequest } from "../../../../lib/relay/parse";
import { RELAY_LIMITS } from "../../../../lib/relay/protocol";

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
});

describe("parseProgressRequest", () => {
  it("needs a lease and a text, and keeps only the end of an over-long text", () => {
    expect(parseProgressRequest({ lease: "l", text: "so far" })).toEqual({ ok: true, value: { lease: "l", text: "so far" } });
    expect(parseProgressRequest({ text: "so far" }).ok).toBe(false);
    expect(parseProgressRequest({ lease: "l", text: 5 }).ok).toBe(false);
    const long = parseProgressRequest({ lease: "l", text: `${"a".repeat(RELAY_LIMITS.maxProgressChars)}END` });
    expect(long.ok && long.value.text.length).toBe(RELAY_LIMITS.maxProgressChars);
    expect(long.ok && long.value.text.endsWith("END")).toBe(true);
  });
});

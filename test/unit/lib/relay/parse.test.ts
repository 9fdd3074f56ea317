import { describe, expect, it } from "vitest";
import { parseJobGoneData } from "../../../../lib/relay/parse";

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

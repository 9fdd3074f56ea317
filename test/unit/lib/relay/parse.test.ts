import { describe, expect, it } from "vitest";
import { parseFailureRequest, parseJobGoneData, parseJobSummary, parseProgressRequest } from "../../../../lib/relay/parse";
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

describe("parseJobSummary", () => {
  const job = {
    id: "j1",
    kind: "voice",
    duration: 3,
    mime: "audio/ogg",
    size: 100,
    fileName: null,
    languageHint: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    expiresAt: "2026-01-02T00:00:00.000Z",
    state: "pending",
  };

  it("keeps the owner's Telegram language when sent, and has none from an older relay", () => {
    expect(parseJobSummary({ ...job, ownerLanguageCode: "pt-BR" })).toEqual({ ok: true, value: { ...job, ownerLanguageCode: "pt-BR" } });
    const older = parseJobSummary(job);
    expect(older).toEqual({ ok: true, value: job });
    expect(older.ok && "ownerLanguageCode" in older.value).toBe(false);
  });

  it("drops an owner language that is not a short string instead of refusing the job (it is only a preference)", () => {
    for (const bad of [3, "", null, "x".repeat(RELAY_LIMITS.maxLanguageCodeChars + 1)]) {
      expect(parseJobSummary({ ...job, ownerLanguageCode: bad })).toEqual({ ok: true, value: job });
    }
  });
});

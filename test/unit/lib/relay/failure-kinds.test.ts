import { describe, expect, it } from "vitest";
import { FAILURE_KINDS, POSTED_FAILURE_KINDS, insteadOfRetry, isFailureKind, isPostedFailureKind, retryHelps, type FailureKind } from "../../../../lib/relay/failure-kinds";

describe("failure kinds", () => {
  // The whole table, kind by kind: a new kind fails here until someone decides its row.
  const expected: Readonly<Record<FailureKind, boolean>> = {
    "not-audio": false,
    empty: false,
    "too-large": false,
    memory: true,
    cancelled: true,
    "tab-closed": true,
    "delivery-failed": true,
    expired: true,
    other: true,
  };

  it.each(FAILURE_KINDS)("decides whether Retry can help: %s", (kind) => {
    expect(retryHelps(kind)).toBe(expected[kind]);
  });

  it.each(FAILURE_KINDS)("says what to do instead exactly where Retry cannot help: %s", (kind) => {
    const instead = insteadOfRetry(kind);
    if (retryHelps(kind)) expect(instead).toBeNull();
    else expect(instead).toMatch(/^Retrying will not help: .+\.$/);
  });

  it("names what to do for each file problem", () => {
    expect(insteadOfRetry("not-audio")).toContain("voice message");
    expect(insteadOfRetry("empty")).toContain("Record or export it again");
    expect(insteadOfRetry("too-large")).toContain("20 MB");
  });

  it("lists every kind once, and the posted kinds among them", () => {
    expect(new Set(FAILURE_KINDS).size).toBe(Object.keys(expected).length);
    for (const kind of POSTED_FAILURE_KINDS) expect(FAILURE_KINDS).toContain(kind);
  });

  it("narrows untrusted values", () => {
    expect(isFailureKind("expired")).toBe(true);
    expect(isFailureKind("EXPIRED")).toBe(false);
    expect(isFailureKind(3)).toBe(false);
    expect(isPostedFailureKind("memory")).toBe(true);
    expect(isPostedFailureKind("expired")).toBe(false);
  });
});

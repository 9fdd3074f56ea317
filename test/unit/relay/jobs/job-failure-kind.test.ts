import { describe, expect, it } from "vitest";
import { failureKindOf } from "../../../../relay/jobs/job-failure-kind";
import { stored } from "./stored-job";

describe("failureKindOf", () => {
  it("is null while a job is open or its transcript is shown", () => {
    for (const state of ["new", "pending", "claimed", "done"] as const) expect(failureKindOf(stored({ state }))).toBeNull();
  });

  it("is the kind the browser reported for a failed job, other when it did not say", () => {
    expect(failureKindOf(stored({ state: "failed", failureKind: "not-audio" }))).toBe("not-audio");
    expect(failureKindOf(stored({ state: "failed", failureKind: null }))).toBe("other");
  });

  it("is expired for an expired job", () => {
    expect(failureKindOf(stored({ state: "expired" }))).toBe("expired");
  });

  it("is delivery-failed whenever the chat could not be told, whatever the outcome", () => {
    expect(failureKindOf(stored({ state: "done", deliveryFailed: true }))).toBe("delivery-failed");
    expect(failureKindOf(stored({ state: "failed", failureKind: "not-audio", deliveryFailed: true }))).toBe("delivery-failed");
  });
});

import { describe, expect, it } from "vitest";
import type { JobSummary } from "../../../../lib/relay/protocol";
import {
  canTakeByHand,
  EMPTY_INBOX,
  entryFailureKind,
  entryStateName,
  entryStatusText,
  goneAction,
  inboxReducer,
  jobTitle,
  MAX_FINISHED_ENTRIES,
  nextJobToTake,
  retryAction,
  type InboxEntry,
  type InboxState,
} from "../../../../lib/telegram/inbox";
import { FAILURE_KINDS, retryHelps } from "../../../../lib/relay/failure-kinds";

import { job, NOW } from "./job-fixtures";

describe("inboxReducer", () => {
  const listed = (state: InboxState, ...jobs: JobSummary[]): InboxState => inboxReducer(state, { type: "listed", jobs });

  it("shows a failed job with its reason, and a delivery Telegram refused", () => {
    let state = listed(EMPTY_INBOX, job("j1"), job("j2"));
    state = inboxReducer(state, goneAction({ id: "j1", reason: "failed", message: "this file is not audio the app can read" }));
    const failed = state.entries[0];
    expect(failed?.job.state).toBe("failed");
    expect(failed === undefined ? "" : entryStatusText(failed)).toBe("Failed: this file is not audio the app can read. Tap Retry to try again.");
    state = inboxReducer(state, goneAction({ id: "j2", reason: "done" }));
    state = inboxReducer(state, goneAction({ id: "j2", reason: "done", deliveryFailed: true }));
    const undelivered = state.entries[1];
    expect(undelivered?.deliveryFailed).toBe(true);
    expect(undelivered === undefined ? "" : entryStatusText(undelivered)).toMatch(/Telegram would not take the text/);
  });

  it("lists jobs oldest first and merges events", () => {
    let state = listed(EMPTY_INBOX, job("j2"), job("j1"));
    expect(state.entries.map((entry) => entry.job.id)).toEqual(["j1", "j2"]);
    state = inboxReducer(state, { type: "job", job: job("j3") });
    state = inboxReducer(state, { type: "job", job: job("j1", { state: "claimed" }) });
    expect(state.entries.map((entry) => [entry.job.id, entry.job.state])).toEqual([
      ["j1", "claimed"],
      ["j2", "pending"],
      ["j3", "pending"],
    ]);
  });

  it("keeps this device's work over relay news, and finished jobs on show", () => {
    let state = listed(EMPTY_INBOX, job("j1"), job("j2"));
    state = inboxReducer(state, { type: "local", id: "j1", local: { kind: "transcribing" } });
    state = inboxReducer(state, { type: "job", job: job("j1", { state: "claimed" }) });
    expect(state.entries[0]?.local.kind).toBe("transcribing");
    state = inboxReducer(state, { type: "local", id: "j1", local: { kind: "sent", text: "hello" } });
    state = inboxReducer(state, { type: "gone", id: "j1", reason: "done" });
    // A relisting without j1 (it is done) and without j2 (finished while away) keeps j1 only.
    state = listed(state);
    expect(state.entries.map((entry) => [entry.job.id, entry.job.state, entry.local.kind])).toEqual([["j1", "done", "sent"]]);
  });

  it("offers a job taken elsewhere again when it is pending again, but not one cancelled here", () => {
    let state = listed(EMPTY_INBOX, job("j1"), job("j2"));
    state = inboxReducer(state, { type: "local", id: "j1", local: { kind: "taken" } });
    state = inboxReducer(state, { type: "local", id: "j2", local: { kind: "released", reason: "cancelled", message: null } });
    state = inboxReducer(state, { type: "job", job: job("j1") });
    state = inboxReducer(state, { type: "job", job: job("j2") });
    expect(state.entries.map((entry) => entry.local.kind)).toEqual(["none", "released"]);
  });

  it("ignores news about unknown jobs", () => {
    const state = listed(EMPTY_INBOX, job("j1"));
    expect(inboxReducer(state, { type: "gone", id: "nope", reason: "done" })).toBe(state);
    expect(inboxReducer(state, { type: "local", id: "nope", local: { kind: "claiming" } })).toBe(state);
    expect(inboxReducer(state, { type: "clear" })).toEqual(EMPTY_INBOX);
  });

  it("keeps at most MAX_FINISHED_ENTRIES finished jobs", () => {
    let state = EMPTY_INBOX;
    for (let i = 0; i < MAX_FINISHED_ENTRIES + 5; i += 1) {
      state = inboxReducer(state, { type: "job", job: job(`j${i}`) });
      state = inboxReducer(state, { type: "gone", id: `j${i}`, reason: "done" });
    }
    state = inboxReducer(state, { type: "job", job: job("j99") });
    expect(state.entries).toHaveLength(MAX_FINISHED_ENTRIES + 1);
    expect(state.entries[0]?.job.id).toBe("j5");
  });
});

describe("nextJobToTake", () => {
  it("takes the oldest untouched pending job that has not expired", () => {
    let state = inboxReducer(EMPTY_INBOX, {
      type: "listed",
      jobs: [job("j1", { state: "claimed" }), job("j2", { expiresAt: new Date(NOW - 1).toISOString() }), job("j3"), job("j4")],
    });
    expect(nextJobToTake(state, NOW)?.id).toBe("j3");
    state = inboxReducer(state, { type: "local", id: "j3", local: { kind: "released", reason: "failed", message: "oom" } });
    expect(nextJobToTake(state, NOW)?.id).toBe("j4");
    expect(canTakeByHand(state.entries[2] ?? { job: job("x"), local: { kind: "claiming" } })).toBe(true);
    state = inboxReducer(state, { type: "local", id: "j4", local: { kind: "claiming" } });
    expect(nextJobToTake(state, NOW)).toBeNull();
  });
});

describe("labels and files", () => {
  it("titles jobs", () => {
    expect(jobTitle(job("j1", { duration: 67 }))).toBe("Voice message, 1:07");
    expect(jobTitle(job("j1", { kind: "document", fileName: "talk.mp3", duration: null }))).toBe("Audio file “talk.mp3”");
  });

  it("says what each entry is doing", () => {
    const entry = { job: job("j1"), local: { kind: "none" } } as const;
    expect(entryStatusText(entry)).toBe("Waiting to be transcribed.");
    expect(entryStateName(entry)).toBe("pending");
    const failed = { job: job("j1"), local: { kind: "released", reason: "failed", message: "out of memory" } } as const;
    expect(entryStatusText(failed)).toContain("out of memory");
    expect(entryStateName(failed)).toBe("released");
    expect(entryStatusText({ job: job("j1", { state: "expired" }), local: { kind: "taken" } })).toMatch(/^Expired/);
  });
});

describe("Retry in the inbox", () => {
  const one = (state: InboxState): InboxEntry => state.entries[0] ?? { job: job("none"), local: { kind: "none" } };
  const listedOne = inboxReducer(EMPTY_INBOX, { type: "listed", jobs: [job("j1")] });

  it("follows the shared table for every kind the relay reports", () => {
    for (const failureKind of FAILURE_KINDS) {
      const entry = one(inboxReducer(listedOne, goneAction({ id: "j1", reason: "failed", message: "m", failureKind })));
      expect(entryFailureKind(entry)).toBe(failureKind);
      expect(retryAction(entry), failureKind).toBe(retryHelps(failureKind) ? "relay" : null);
    }
  });

  it("offers none for a file that is not audio, and says what to do instead", () => {
    const entry = one(inboxReducer(listedOne, goneAction({ id: "j1", reason: "failed", message: "this file is not audio the app can read", failureKind: "not-audio" })));
    expect(retryAction(entry)).toBeNull();
    expect(entryStatusText(entry)).toMatch(/^Failed: this file is not audio the app can read\. Retrying will not help: /);
    // Also before the relay's event arrives, from what this device posted.
    const local = one(inboxReducer(inboxReducer(listedOne, { type: "job", job: job("j1", { state: "claimed" }) }), { type: "local", id: "j1", local: { kind: "failed", message: "x", failureKind: "empty" } }));
    expect([entryFailureKind(local), retryAction(local)]).toEqual(["empty", null]);
  });

  it("retries at the relay an expired job and a delivery Telegram refused; clears the refusal once resent", () => {
    expect(retryAction(one(inboxReducer(listedOne, goneAction({ id: "j1", reason: "expired", failureKind: "expired" }))))).toBe("relay");
    let state = inboxReducer(listedOne, goneAction({ id: "j1", reason: "done", deliveryFailed: true, failureKind: "delivery-failed" }));
    expect(retryAction(one(state))).toBe("relay");
    state = inboxReducer(state, goneAction({ id: "j1", reason: "done" }));
    expect([one(state).deliveryFailed, retryAction(one(state))]).toEqual([undefined, null]);
  });

  it("takes again here a job cancelled or failed here, and nothing while it runs", () => {
    const cancelled = one(inboxReducer(listedOne, { type: "local", id: "j1", local: { kind: "released", reason: "cancelled", message: null } }));
    expect([entryFailureKind(cancelled), retryAction(cancelled)]).toEqual(["cancelled", "take"]);
    const running = one(inboxReducer(listedOne, { type: "local", id: "j1", local: { kind: "transcribing" } }));
    expect(retryAction(running)).toBeNull();
    expect(retryAction(one(listedOne))).toBeNull();
  });

  it("a job retried (here or in the chat) is offered again, even one that failed on this device", () => {
    let state = inboxReducer(listedOne, { type: "local", id: "j1", local: { kind: "failed", message: "oom", failureKind: "memory" } });
    state = inboxReducer(state, goneAction({ id: "j1", reason: "failed", message: "oom", failureKind: "memory" }));
    state = inboxReducer(state, { type: "job", job: job("j1") });
    expect(one(state).local.kind).toBe("none");
    expect(one(state).failureKind).toBeUndefined();
    expect(nextJobToTake(state, NOW)?.id).toBe("j1");
  });
});

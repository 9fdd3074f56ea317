import { describe, expect, it } from "vitest";
import type { JobSummary } from "../../../../lib/relay/protocol";
import { audioFileName, audioMimeType, canTakeByHand, describeUser, EMPTY_INBOX, entryStateName, entryStatusText, heartbeatIntervalMs, inboxReducer, jobTitle, linkFailure, MAX_FINISHED_ENTRIES, nextJobToTake, parseAutoSetting, parseHealthBot, parseStoredSession, relayBaseUrl, serializeSession, type InboxState } from "../../../../lib/telegram/inbox";
import { RelayClientError } from "../../../../lib/relay/client-error";

const NOW = Date.parse("2025-01-01T12:00:00Z");

function job(id: string, patch: Partial<JobSummary> = {}): JobSummary {
  return {
    id,
    kind: "voice",
    duration: 7,
    mime: "audio/ogg",
    size: 4096,
    fileName: null,
    languageHint: null,
    createdAt: new Date(NOW - 60_000 + Number(id.replace(/\D/g, "") || 0) * 1000).toISOString(),
    expiresAt: new Date(NOW + 86_400_000).toISOString(),
    state: "pending",
    ...patch,
  };
}

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

describe("inboxReducer", () => {
  const listed = (state: InboxState, ...jobs: JobSummary[]): InboxState => inboxReducer(state, { type: "listed", jobs });

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

  it("names the audio file and its type", () => {
    expect(audioFileName(job("j1"), "audio/ogg")).toBe("voice-j1.ogg");
    expect(audioFileName(job("j1", { kind: "video_note", mime: null }), "application/octet-stream")).toBe("video-note-j1.mp4");
    expect(audioFileName(job("j1", { kind: "audio", fileName: " song.mp3 " }), null)).toBe("song.mp3");
    expect(audioMimeType(job("j1"), "application/octet-stream")).toBe("audio/ogg");
    expect(audioMimeType(job("j1"), "audio/mpeg; charset=binary")).toBe("audio/mpeg");
  });

  it("renews leases three times per lease, between 1 s and 30 s", () => {
    expect(heartbeatIntervalMs(60)).toBe(20_000);
    expect(heartbeatIntervalMs(600)).toBe(30_000);
    expect(heartbeatIntervalMs(1)).toBe(1000);
  });
});

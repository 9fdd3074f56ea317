import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobGoneData, JobSummary } from "../../../lib/relay/protocol";
import { initDataFor, testUser } from "../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "./harness";
import { SseParser } from "../../../lib/relay/sse-parser";

describe("relay end to end over sockets", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("turns a voice message into a transcript edited into the status message", async () => {
    const alice = testUser(1001, "Alice");
    const client = await h.clientFor(alice);
    const jobs: JobSummary[] = [];
    const gone: JobGoneData[] = [];
    let opened = false;
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: (g) => gone.push(g), onOpen: () => (opened = true) });
    await eventually(() => (opened && h.relay.hub.isOnline(alice.id) ? true : undefined), 5000, "stream open");

    const voice = h.api.sendVoice({ from: alice, size: 300_000, duration: 7 });
    const status = await h.api.waitForCall("sendMessage", (call) => call.params.chat_id === alice.id);
    expect(status.params.text).toBe("Transcribing on your device…");
    expect(status.params.reply_parameters).toMatchObject({ message_id: voice.message_id });

    const announced = await eventually(() => jobs.find((job) => job.state === "pending"), 5000, "job event");
    expect(announced).toMatchObject({ kind: "voice", duration: 7, size: 300_000, mime: "audio/ogg" });

    const claim = await client.claim(announced.id);
    const audio = await client.fetchAudio(announced.id, claim.lease);
    expect(audio.data.byteLength).toBe(300_000);
    expect(audio.contentType).toBe("audio/ogg");

    const posted = await client.postResult(announced.id, claim.lease, { text: "hello world", segments: [{ start: 0, end: 1.5, text: "hello world" }], language: "en" });
    expect(posted.status).toBe("accepted");
    const again = await client.postResult(announced.id, claim.lease, { text: "hello world", segments: [], language: "en" });
    expect(again.status).toBe("duplicate");

    const edits = h.api.callsTo("editMessageText").filter((call) => call.params.text === "hello world");
    expect(edits).toHaveLength(1);
    await eventually(() => gone.find((g) => g.id === announced.id && g.reason === "done"), 5000, "job-gone");
    subscription.close();
  });
});

describe("relay HTTP API over sockets", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function jobFor(user: ReturnType<typeof testUser>, size = 2048): Promise<{ id: string; statusMessageId: number; voiceId: number }> {
    const voice = h.api.sendVoice({ from: user, size });
    const job = await eventually(async () => {
      const stored = await h.relay.store.findJobByMessage(user.id, voice.message_id);
      return stored !== null && stored.state !== "new" ? stored : undefined;
    }, 5000, "job offered");
    return { id: job.id, statusMessageId: job.statusMessageId ?? -1, voiceId: voice.message_id };
  }

  it("answers /healthz with memory, uptime, jobs, sessions, bot and store", async () => {
    const response = await h.http("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const body: unknown = await response.json();
    expect(body).toMatchObject({ pendingJobs: 0, connectedSessions: 0, bot: "enabled", botMode: "polling", store: "sqlite" });
    expect(body).toHaveProperty("rss");
    expect(body).toHaveProperty("heapUsed");
    expect(body).toHaveProperty("heapTotal");
    expect(body).toHaveProperty("uptime");
  });

  it("answers CORS preflight and marks responses for cross-origin isolated pages", async () => {
    const preflight = await h.http("OPTIONS", "/api/jobs", {
      headers: { origin: "https://app.example.org", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Content-Type/);
    const other = await h.http("GET", "/healthz", { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
  });

  it("refuses missing, forged and expired init data and unknown tokens with 401", async () => {
    const user = testUser(2001);
    expect((await h.http("GET", "/api/jobs")).status).toBe(401);
    expect((await h.http("GET", "/api/jobs", { token: "x".repeat(43) })).status).toBe(401);
    const forged = initDataFor(h.api.token, user).replace(/hash=[0-9a-f]+/, `hash=${"f".repeat(64)}`);
    const forgedResponse = await h.http("POST", "/api/session/telegram", { body: { initData: forged } });
    expect(forgedResponse.status).toBe(401);
    expect(await forgedResponse.json()).toEqual({ error: { code: "unauthorized", message: "init data signature does not match this bot" } });
    expect((await h.http("POST", "/api/session/telegram", { body: { initData: initDataFor(h.api.token, user, 200_000) } })).status).toBe(401);
    expect((await h.http("POST", "/api/session/telegram", { body: {} })).status).toBe(400);
    expect((await h.http("POST", "/api/session/code", { body: { code: "AAAA-BBBB" } })).status).toBe(401);
  });

  it("links with a /link code from the bot, and signs out", async () => {
    const user = testUser(2002);
    h.api.sendText({ from: user }, "/link");
    const reply = await h.api.waitForCall("sendMessage", (call) => String(call.params.text).startsWith("Your code"));
    const code = /Your code: (\S+)/.exec(String(reply.params.text))?.[1] ?? "";
    const linked = await h.http("POST", "/api/session/code", { body: { code } });
    expect(linked.status).toBe(200);
    const body: unknown = await linked.json();
    const token = typeof body === "object" && body !== null && "token" in body ? String(body.token) : "";
    expect((await h.http("GET", "/api/session", { token })).status).toBe(200);
    expect((await h.http("DELETE", "/api/session", { token })).status).toBe(204);
    expect((await h.http("GET", "/api/session", { token })).status).toBe(401);
    expect((await h.http("POST", "/api/session/code", { body: { code } })).status).toBe(401);
  });

  it("rejects bodies over 1 MB with 413 and non-JSON with 415/400", async () => {
    const client = await h.clientFor(testUser(2003));
    const token = client.token ?? "";
    const big = JSON.stringify({ lease: "x", text: "a".repeat(1024 * 1024 + 10), segments: [] });
    const response = await h.http("POST", "/api/jobs/j/result", { token, rawBody: big, headers: { "content-type": "application/json" } });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "payload_too_large", message: "the request body is larger than 1048576 bytes" } });
    expect((await h.http("POST", "/api/jobs/j/result", { token, rawBody: "lease=x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await h.http("POST", "/api/jobs/j/result", { token, rawBody: "{not json", headers: { "content-type": "application/json" } })).status).toBe(400);
  });

  it("hides other users' jobs (404), lets one tab claim (409 for the second), and needs the lease for audio", async () => {
    const alice = testUser(2004);
    const mallory = testUser(2005);
    const tab1 = await h.clientFor(alice);
    const tab2 = await h.clientFor(alice);
    const other = await h.clientFor(mallory);
    const job = await jobFor(alice);

    expect(await other.listJobs()).toEqual([]);
    await expect(other.claim(job.id)).rejects.toMatchObject({ status: 404 });
    const claim = await tab1.claim(job.id);
    await expect(tab2.claim(job.id)).rejects.toMatchObject({ status: 409 });
    await expect(other.fetchAudio(job.id, claim.lease)).rejects.toMatchObject({ status: 404 });
    await expect(tab2.fetchAudio(job.id, "not-the-lease")).rejects.toMatchObject({ status: 409 });
    expect((await tab2.listJobs()).map((j) => j.state)).toEqual(["claimed"]);

    const beat = await tab1.heartbeat(job.id, claim.lease);
    expect(Date.parse(beat.expiresAt)).toBeGreaterThan(Date.now());
    expect((await tab1.release(job.id, claim.lease)).released).toBe(true);
    const second = await tab2.claim(job.id);
    await expect(tab1.postResult(job.id, claim.lease, { text: "late", segments: [], language: null })).rejects.toMatchObject({ status: 409 });
    await tab2.postFailure(job.id, second.lease, "Not enough memory for Whisper");
    const edit = await h.api.waitForCall("editMessageText", (call) => call.params.message_id === job.statusMessageId && String(call.params.text).startsWith("Couldn't"));
    expect(edit.params.text).toBe("Couldn't transcribe this on your device: Not enough memory for Whisper");
    await expect(tab2.claim(job.id)).rejects.toMatchObject({ status: 409 });
  });

  it("streams the audio with Content-Type and Content-Length, never exposing the token", async () => {
    const alice = testUser(2006);
    const client = await h.clientFor(alice);
    const job = await jobFor(alice, 1_500_000);
    const claim = await client.claim(job.id);
    const response = await h.http("GET", `/api/jobs/${job.id}/audio?lease=${claim.lease}`, { token: client.token ?? "" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/ogg");
    expect(response.headers.get("content-length")).toBe("1500000");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.length).toBe(1_500_000);
    expect(bytes.every((b) => b === 0x4f)).toBe(true);
    expect(JSON.stringify([...response.headers])).not.toContain(h.api.token);
  });

  it("replies clearly to files over 20 MB without asking Telegram for them", async () => {
    const alice = testUser(2007);
    h.api.sendVoice({ from: alice, size: 21 * 1024 * 1024 });
    const reply = await h.api.waitForCall("sendMessage", (call) => String(call.params.text).startsWith("This file is"));
    expect(reply.params.text).toBe("This file is 21 MB; Telegram lets bots download files up to 20 MB. Send a shorter recording or a compressed version.");
    expect(h.api.callsTo("getFile")).toHaveLength(0);
  });

  it("splits transcripts over 4096 characters into several messages", async () => {
    const alice = testUser(2008);
    const client = await h.clientFor(alice);
    const job = await jobFor(alice);
    const claim = await client.claim(job.id);
    const text = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(" ");
    await client.postResult(job.id, claim.lease, { text, segments: [], language: "en" });
    expect(h.api.messageText(alice.id, job.statusMessageId ?? 0)?.startsWith("word0 ")).toBe(true);
    // The chat shows the status message and then each further part once, in order.
    const parts = h.api.chatTexts(alice.id).filter((shown) => shown.startsWith("word"));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.join(" ")).toBe(text);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
  });

  it("honours a 429's retry_after mid-delivery over the Bot API: each part once, none lost", async () => {
    const alice = testUser(2018);
    const client = await h.clientFor(alice);
    const job = await jobFor(alice);
    const claim = await client.claim(job.id);
    const text = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(" ");
    // The second placeholder is refused with "retry after 1", then Telegram answers again.
    h.api.failNextAfter("sendMessage", 1, 429, "Too Many Requests: retry after 1", 1);
    await client.postResult(job.id, claim.lease, { text, segments: [], language: "en" });
    const parts = await eventually(() => {
      const shown = h.api.chatTexts(alice.id).filter((message) => message.startsWith("word"));
      return shown.join(" ") === text ? shown : undefined;
    }, 10_000, "every part shown after the 429");
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(h.api.callsTo("sendMessage").filter((call) => call.status === 429)).toHaveLength(1);
  });

  it("a restarted update_id sequence loses nothing: messages are told apart by chat and message id", async () => {
    const alice = testUser(2019);
    const first = await jobFor(alice);
    // Telegram numbers updates from a low value again; the next voice message must still be a new job.
    h.api.restartUpdateIds(1);
    const second = await jobFor(alice);
    expect(second.id).not.toBe(first.id);
    h.api.restartUpdateIds(1);
    const third = await jobFor(alice);
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
    expect((await h.relay.store.listOpenJobs(alice.id)).map((job) => job.id)).toEqual([first.id, second.id, third.id]);
  });

  it("replays missed events after Last-Event-ID and snapshots pending jobs on a fresh connect", async () => {
    const alice = testUser(2009);
    const client = await h.clientFor(alice);
    const token = client.token ?? "";
    const first = await jobFor(alice);
    // Fresh connection: a snapshot of the pending job.
    const snapshot = await readEvents(h, token, null, 1);
    expect(snapshot[0]).toMatchObject({ event: "job" });
    expect(snapshot[0]?.data).toContain(first.id);
    const lastId = snapshot[0]?.id ?? "";
    // While disconnected: a claim and a new job.
    await client.claim(first.id);
    const second = await jobFor(alice);
    const replay = await readEvents(h, token, lastId, 2);
    expect(replay.map((e) => e.event)).toEqual(["job", "job"]);
    expect(replay[0]?.data).toContain(`"state":"claimed"`);
    expect(replay[1]?.data).toContain(second.id);
    expect(Number(replay[1]?.id)).toBeGreaterThan(Number(lastId));
  });

  it("offers a job again after its lease expires", async () => {
    const alice = testUser(2010);
    const tab1 = await h.clientFor(alice);
    const tab2 = await h.clientFor(alice);
    const job = await jobFor(alice);
    await tab1.claim(job.id);
    const claim = await eventually(() => tab2.claim(job.id).catch(() => undefined), 6000, "lease expiry");
    expect(claim.job.state).toBe("claimed");
  });
});

async function readEvents(h: Harness, token: string, lastEventId: string | null, count: number): Promise<Array<{ event: string; data: string; id: string | null }>> {
  const controller = new AbortController();
  const response = await h.http("GET", "/api/events", { token, headers: lastEventId === null ? {} : { "last-event-id": lastEventId } });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const parser = new SseParser();
  const events: Array<{ event: string; data: string; id: string | null }> = [];
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  const timer = setTimeout(() => controller.abort(), 5000);
  try {
    while (reader !== undefined && events.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      events.push(...parser.push(decoder.decode(value, { stream: true })));
    }
  } finally {
    clearTimeout(timer);
    await reader?.cancel();
  }
  return events;
}

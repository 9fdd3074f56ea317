/**
 * Item 5 of the issue: a relay killed with SIGKILL mid-job finishes the job after restart, with
 * exactly one transcript in the chat. The relay runs as a child process (tsx) on a SQLite file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelayClient } from "../../../lib/relay/client";
import { FakeBotApi, initDataFor, testUser, type RecordedCall } from "../../support/fake-bot-api";
import { splitMessage } from "../../../relay/split-message";
import { texts } from "../../../relay/texts";
import { eventually } from "./harness";
import { startRelayProcess as startChild, stopRelayProcess as kill, type RelayProcess as Child } from "./relay-process";

describe("relay killed with SIGKILL mid-job", () => {
  let api: FakeBotApi;
  let dir: string;
  const children: Child[] = [];

  beforeAll(async () => {
    api = await FakeBotApi.start();
    dir = mkdtempSync(join(tmpdir(), "relay-restart-"));
  });
  afterAll(async () => {
    for (const child of children) await kill(child);
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finishes claimed and undelivered jobs after restart with exactly one transcript each", async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.url,
      RELAY_HOST: "127.0.0.1",
      RELAY_PORT: "0",
      RELAY_STORE: `sqlite:${join(dir, "relay.sqlite")}`,
      JOB_LEASE_S: "2",
      RELAY_SWEEP_INTERVAL_MS: "200",
    };
    const first = await startChild(env);
    children.push(first);
    const alice = testUser(4001);
    const client = new RelayClient({ baseUrl: first.url });
    await client.linkWithInitData(initDataFor(api.token, alice));

    // Job A: claimed, then the relay dies before any result.
    api.sendVoice({ from: alice, size: 50_000 });
    const jobA = await eventually(async () => (await client.listJobs())[0], 10_000, "job A");
    const claimA = await client.claim(jobA.id);
    expect((await client.fetchAudio(jobA.id, claimA.lease)).data.byteLength).toBe(50_000);

    // Job B: its result is stored, but the chat edit fails, then the relay dies.
    api.sendVoice({ from: alice, size: 1000 });
    const jobB = await eventually(async () => (await client.listJobs()).find((job) => job.id !== jobA.id), 10_000, "job B");
    const claimB = await client.claim(jobB.id);
    // Twice: a lapsed lease of job A may edit its status message first.
    api.failNext("editMessageText", 502, "Bad Gateway", 2);
    expect((await client.postResult(jobB.id, claimB.lease, { text: "transcript B", segments: [], language: "en" })).status).toBe("accepted");
    expect(api.succeeded("editMessageText").filter((call) => call.params.text === "transcript B")).toHaveLength(0);

    await kill(first);
    const statusMessages = api.callsTo("sendMessage").length;

    const second = await startChild(env);
    children.push(second);
    // On start-up the undelivered result is shown.
    await eventually(() => (api.succeeded("editMessageText").some((call) => call.params.text === "transcript B") ? true : undefined), 10_000, "B redelivered");

    // The session survives the restart; job A is offered again once its lease expires.
    const resumed = new RelayClient({ baseUrl: second.url, token: client.token });
    const claimA2 = await eventually(() => resumed.claim(jobA.id).catch(() => undefined), 10_000, "A re-offered");
    expect((await resumed.fetchAudio(jobA.id, claimA2.lease)).data.byteLength).toBe(50_000);
    expect((await resumed.postResult(jobA.id, claimA2.lease, { text: "transcript A", segments: [], language: "en" })).status).toBe("accepted");
    // A retried POST after the restart does not post twice.
    expect((await resumed.postResult(jobA.id, claimA2.lease, { text: "transcript A", segments: [], language: "en" })).status).toBe("duplicate");
    expect((await resumed.postResult(jobB.id, claimB.lease, { text: "transcript B", segments: [], language: "en" })).status).toBe("duplicate");

    await new Promise((r) => setTimeout(r, 600)); // a few sweeps: nothing more may be sent
    const edits = (text: string) => api.succeeded("editMessageText").filter((call) => call.params.text === text);
    expect(edits("transcript A")).toHaveLength(1);
    expect(edits("transcript B")).toHaveLength(1);
    expect(api.callsTo("sendMessage")).toHaveLength(statusMessages);
    expect(api.callsTo("sendMessage").filter((call) => String(call.params.text).includes("transcript"))).toHaveLength(0);
    await kill(second);
  }, 60_000);

  it("transcribes voice sent while the relay was down once it is back: pending updates are not dropped", async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.url,
      RELAY_HOST: "127.0.0.1",
      RELAY_PORT: "0",
      RELAY_STORE: `sqlite:${join(dir, "down.sqlite")}`,
      JOB_LEASE_S: "2",
      RELAY_SWEEP_INTERVAL_MS: "200",
    };
    const first = await startChild(env);
    children.push(first);
    const bo = testUser(4002);
    const client = new RelayClient({ baseUrl: first.url });
    await client.linkWithInitData(initDataFor(api.token, bo));
    await kill(first);

    const voice = api.sendVoice({ from: bo, size: 3000 });
    const second = await startChild(env);
    children.push(second);
    const resumed = new RelayClient({ baseUrl: second.url, token: client.token });
    const job = await eventually(async () => (await resumed.listJobs())[0], 10_000, "the job of the voice sent while down");
    const status = await api.waitForCall("sendMessage", (call) => call.params.chat_id === bo.id, 10_000);
    expect(JSON.stringify(status.params.reply_parameters)).toContain(String(voice.message_id));
    const claim = await resumed.claim(job.id);
    await resumed.postResult(job.id, claim.lease, { text: "said while you were away", segments: [], language: "en" });
    await eventually(() => (api.chatTexts(bo.id).includes("said while you were away") ? true : undefined), 10_000, "transcript shown");
    await kill(second);
  }, 60_000);

  it("a relay killed during part 2 of a long transcript resumes: each part appears exactly once", async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.url,
      RELAY_HOST: "127.0.0.1",
      RELAY_PORT: "0",
      RELAY_STORE: `sqlite:${join(dir, "parts.sqlite")}`,
      JOB_LEASE_S: "2",
      RELAY_SWEEP_INTERVAL_MS: "200",
      // The dead relay's delivery lock runs out sooner, so the test does not wait 30 s for it.
      RELAY_DELIVERY_LOCK_MS: "1000",
    };
    const first = await startChild(env);
    children.push(first);
    const cy = testUser(4003);
    const client = new RelayClient({ baseUrl: first.url });
    await client.linkWithInitData(initDataFor(api.token, cy));
    api.sendVoice({ from: cy, size: 1000 });
    const job = await eventually(async () => (await client.listJobs())[0], 10_000, "the job");
    const claim = await client.claim(job.id);
    const text = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(" ");
    const posted = client.postResult(job.id, claim.lease, { text, segments: [], language: "en" }).catch(() => null);
    // Killed as the second part's message is being sent.
    await api.waitForCall("sendMessage", (call) => call.params.chat_id === cy.id && String(call.params.text).startsWith("(part 2 "), 20_000);
    await kill(first);
    await posted;

    const second = await startChild(env);
    children.push(second);
    await eventually(() => (api.chatTexts(cy.id).filter((shown) => shown.startsWith("word")).join(" ") === text ? true : undefined), 70_000, "every part once");
    await new Promise((r) => setTimeout(r, 600));
    const parts = api.chatTexts(cy.id).filter((shown) => shown.startsWith("word"));
    expect(parts.join(" ")).toBe(text);
    expect(new Set(parts).size).toBe(parts.length);
    await kill(second);
  }, 120_000);
});

/**
 * Item 2 of the issue, step by step: a 3-part transcript's delivery, with the relay killed (SIGKILL,
 * from inside the stand-in Bot API, so the moment is exact) before a part's message is sent, while
 * it is in flight (Telegram made it, the answer never came back), and after the answer arrived but
 * before the relay recorded it (the relay is stopped with SIGSTOP before the answer is written and
 * killed once it has left, so it cannot record it whatever the scheduler does). After a restart every part is in the chat exactly once; a message
 * the relay never learnt the id of stays as one stray placeholder, never as a second copy of a part.
 */
describe("relay killed with SIGKILL at each step of sending a part", () => {
  let dir: string;
  const children: Child[] = [];
  const apis: FakeBotApi[] = [];
  const text = Array.from({ length: 1200 }, (_, i) => `word${i}`).join(" ");
  const parts = splitMessage(text);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "relay-kill-steps-"));
  });
  afterAll(async () => {
    for (const child of children) await kill(child);
    for (const api of apis) await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const steps = [
    { at: "before", where: "the placeholder of part 2", method: "sendMessage", part: 2, stray: false },
    { at: "during", where: "the placeholder of part 2", method: "sendMessage", part: 2, stray: true },
    { at: "after", where: "the placeholder of part 2", method: "sendMessage", part: 2, stray: true },
    { at: "before", where: "the placeholder of part 3", method: "sendMessage", part: 3, stray: false },
    { at: "during", where: "the text of part 3", method: "editMessageText", part: 3, stray: false },
    { at: "after", where: "the text of part 1", method: "editMessageText", part: 1, stray: false },
  ] as const;

  // Each case has its own stand-in Bot API, relay and file, so they run side by side: most of their
  // time is the chat's pacing and the dead relay's delivery lock running out.
  it.concurrent.each(steps)("killed $at $where: every part once after restart", async ({ at, method, part, stray }) => {
    expect(parts).toHaveLength(3);
    const api = await FakeBotApi.start();
    apis.push(api);
    const env = {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.url,
      RELAY_HOST: "127.0.0.1",
      RELAY_PORT: "0",
      RELAY_STORE: `sqlite:${join(dir, `${at}-${method}-${part}.sqlite`)}`,
      RELAY_SWEEP_INTERVAL_MS: "200",
      RELAY_DELIVERY_LOCK_MS: "1000",
    };
    const first = await startChild(env);
    children.push(first);
    const user = testUser(4100 + steps.findIndex((step) => step.at === at && step.part === part && step.method === method));
    const client = new RelayClient({ baseUrl: first.url });
    await client.linkWithInitData(initDataFor(api.token, user));
    api.sendVoice({ from: user, size: 1000 });
    const job = await eventually(async () => (await client.listJobs())[0], 10_000, "the job");
    const claim = await client.claim(job.id);

    const matches = (call: RecordedCall): boolean =>
      call.params.chat_id === user.id &&
      (method === "sendMessage" ? call.params.text === texts.partPlaceholder(part, 3) : call.params.text === parts[part - 1]);
    let reached = false;
    api.interceptNext(
      method,
      matches,
      at,
      () => {
        reached = true;
        first.process.kill("SIGKILL");
      },
      // `after`: stopped before the answer is written, so it reaches the relay's socket but the relay
      // can never act on it, however the machine schedules the two processes.
      () => first.process.kill("SIGSTOP"),
    );
    await client.postResult(job.id, claim.lease, { text, segments: [], language: "en" }).catch(() => null);
    await kill(first);
    expect(reached).toBe(true);

    const second = await startChild(env);
    children.push(second);
    await eventually(() => (api.chatTexts(user.id).filter((shown) => shown.startsWith("word")).length === 3 ? true : undefined), 30_000, "every part shown");
    await new Promise((r) => setTimeout(r, 600)); // a few sweeps: nothing more may be sent
    expect(api.chatTexts(user.id)).toEqual(stray ? [parts[0], texts.partPlaceholder(part, 3), parts[1], parts[2]] : parts);
    await kill(second);
  }, 60_000);
});

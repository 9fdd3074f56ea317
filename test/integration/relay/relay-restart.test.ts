/**
 * Item 5 of the issue: a relay killed with SIGKILL mid-job finishes the job after restart, with
 * exactly one transcript in the chat. The relay runs as a child process (tsx) on a SQLite file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelayClient } from "../../../lib/relay/client";
import { FakeBotApi, initDataFor, testUser } from "../../support/fake-bot-api";
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

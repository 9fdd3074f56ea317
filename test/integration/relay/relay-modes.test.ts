import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../../relay/config";
import { startRelay, type RunningRelay } from "../../../relay/relay-app";
import { FakeBotApi, testUser } from "../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "./harness";
import { freePort } from "../../support/free-port";

describe("relay without a bot token", () => {
  let relay: RunningRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it("starts, says so in one line, and keeps the HTTP API answering", async () => {
    const lines: string[] = [];
    vi.stubEnv("LOG_LEVEL", "info");
    vi.spyOn(console, "info").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    relay = await startRelay(parseConfig({ RELAY_HOST: "127.0.0.1", RELAY_PORT: "0", RELAY_STORE: "sqlite::memory:" }));
    expect(lines.filter((line) => line.includes("TELEGRAM_BOT_TOKEN"))).toEqual([
      "[relay] TELEGRAM_BOT_TOKEN is not set: running without the bot (the app works on its own)",
    ]);
    const health: unknown = await (await fetch(`${relay.url}/healthz`)).json();
    expect(health).toMatchObject({ bot: "disabled", botMode: null, store: "sqlite", pendingJobs: 0 });
    const link = await fetch(`${relay.url}/api/session/telegram`, { method: "POST", body: JSON.stringify({ initData: "auth_date=1&hash=00" }), headers: { "content-type": "application/json" } });
    expect(link.status).toBe(503);
    expect(await link.json()).toMatchObject({ error: { code: "bot_disabled" } });
    expect((await fetch(`${relay.url}/nope`)).status).toBe(404);
    const wrongMethod = await fetch(`${relay.url}/healthz`, { method: "POST" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, OPTIONS");
  });
});

describe("relay in webhook mode", () => {
  let relay: RunningRelay | undefined;
  let api: FakeBotApi | undefined;
  afterEach(async () => {
    await relay?.close();
    await api?.close();
  });

  it("registers the webhook with a secret and only accepts updates carrying it", async () => {
    api = await FakeBotApi.start();
    const port = await freePort();
    const webhookUrl = `http://127.0.0.1:${port}/telegram/hook`;
    relay = await startRelay(
      parseConfig({
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.url,
        RELAY_HOST: "127.0.0.1",
        RELAY_PORT: String(port),
        RELAY_STORE: "sqlite::memory:",
        WEBHOOK_URL: webhookUrl,
        WEBHOOK_SECRET: "hook-secret_1",
      }),
    );
    const registered = await api.waitForCall("setWebhook");
    expect(registered.params).toMatchObject({ url: webhookUrl, secret_token: "hook-secret_1" });
    expect(api.callsTo("getUpdates")).toHaveLength(0);
    const health: unknown = await (await fetch(`${relay.url}/healthz`)).json();
    expect(health).toMatchObject({ bot: "enabled", botMode: "webhook" });

    const alice = testUser(3001);
    const voice = api.sendVoice({ from: alice });
    const status = await api.waitForCall("sendMessage", (call) => call.params.chat_id === alice.id);
    expect(status.params.reply_parameters).toMatchObject({ message_id: voice.message_id });
    await eventually(() => (api?.webhookDeliveries.length === 1 ? true : undefined));
    expect(api.webhookDeliveries[0]?.status).toBe(200);

    const update = JSON.stringify({ update_id: 999, message: { message_id: 1, date: 0, chat: { id: 5, type: "private", first_name: "X" }, text: "/help" } });
    const missing = await fetch(webhookUrl, { method: "POST", body: update, headers: { "content-type": "application/json" } });
    expect(missing.status).toBe(401);
    const wrong = await fetch(webhookUrl, { method: "POST", body: update, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "nope" } });
    expect(wrong.status).toBe(401);
    expect(api.callsTo("sendMessage").filter((call) => call.params.chat_id === 5)).toHaveLength(0);
  });
});

describe("event stream keep-alive", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it("sends a comment line on schedule and counts the open stream in /healthz", async () => {
    h = await startHarness({}, { sseHeartbeatMs: 50 });
    const client = await h.clientFor(testUser(5001));
    const unauthorized = await h.http("GET", "/api/events");
    expect(unauthorized.status).toBe(401);
    const response = await h.http("GET", "/api/events", { token: client.token ?? "" });
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (reader !== undefined && !text.includes(": ping\n\n")) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text.startsWith("retry: 3000\n\n")).toBe(true);
    expect(text).toContain(": ping\n\n");
    const health: unknown = await (await h.http("GET", "/healthz")).json();
    expect(health).toMatchObject({ connectedSessions: 1 });
    await reader?.cancel();
    await eventually(async () => {
      const after: unknown = await (await h?.http("GET", "/healthz"))?.json();
      return typeof after === "object" && after !== null && "connectedSessions" in after && after.connectedSessions === 0 ? true : undefined;
    });
  });
});

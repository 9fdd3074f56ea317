/**
 * Starts the fake Bot API and an in-process relay wired to it (127.0.0.1, port 0, SQLite in
 * memory unless told otherwise), plus small helpers to call the relay over real sockets.
 */
import type { User } from "grammy/types";
import { RelayClient } from "../../../lib/relay/client";
import { parseConfig, type Env } from "../../../relay/config";
import { startRelay, type RunningRelay, type StartOptions } from "../../../relay/relay-app";
import { FakeBotApi, initDataFor } from "../../support/fake-bot-api";

export interface Harness {
  readonly api: FakeBotApi;
  readonly relay: RunningRelay;
  /** Makes a client linked as `user` (via signed init data). */
  clientFor(user: User): Promise<RelayClient>;
  /** Raw request to the relay. */
  http(method: string, path: string, init?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(env: Env = {}, options: StartOptions = {}): Promise<Harness> {
  const api = await FakeBotApi.start();
  const config = parseConfig({
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.url,
    RELAY_HOST: "127.0.0.1",
    RELAY_PORT: "0",
    RELAY_STORE: "sqlite::memory:",
    PUBLIC_URL: "https://app.example.org",
    JOB_LEASE_S: "2",
    RELAY_SWEEP_INTERVAL_MS: "100",
    ...env,
  });
  const relay = await startRelay(config, { chatPace: { privateMs: 0, groupMs: 0 }, ...options });
  return {
    api,
    relay,
    async clientFor(user) {
      const client = new RelayClient({ baseUrl: relay.url });
      await client.linkWithInitData(initDataFor(api.token, user));
      return client;
    },
    http(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      let body: string | undefined = init.rawBody;
      if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers["content-type"] ??= "application/json";
      }
      return fetch(relay.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    },
    async close() {
      await relay.close();
      await api.close();
    },
  };
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

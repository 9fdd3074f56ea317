/**
 * The owner's Telegram `language_code` travels with a job, through the relay's real HTTP API and
 * store, to the browser that transcribes it: in the job list, the `job` event and the claim, as
 * Telegram sent it ("pt-BR", not the bot locale it maps to), and absent when Telegram sent none.
 * Run on both stores: SQLite in a file and Redis on a real redis-server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { User } from "grammy/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobSummary } from "../../../../lib/relay/protocol";
import { texts } from "../../../../relay/texts";
import { testUser } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../harness";
import { startRedisServer, type RedisServer } from "../redis-server";

let redis: RedisServer | null = null;
let redisRuns = 0;
let dir = "";

beforeAll(async () => {
  redis = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), "relay-owner-language-"));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stores: ReadonlyArray<{ readonly name: string; readonly env: () => Record<string, string> }> = [
  { name: "SQLite", env: () => ({ RELAY_STORE: `sqlite:${join(dir, `relay-${Date.now()}-${Math.random()}.sqlite`)}` }) },
  {
    name: "Redis",
    env: () => {
      if (redis === null) throw new Error("redis-server did not start (see the first error)");
      redisRuns += 1;
      return { RELAY_STORE: redis.url, RELAY_REDIS_PREFIX: `owner-language${redisRuns}:` };
    },
  },
];

function speaker(id: number, languageCode: string | undefined): User {
  const { language_code: _ignored, ...rest } = testUser(id);
  return languageCode === undefined ? rest : { ...rest, language_code: languageCode };
}

describe.each(stores)("the owner's language with a job ($name store)", ({ env }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(env());
  });
  afterEach(async () => {
    await h.close();
  });

  it("hands out the owner's language_code as sent, in the list, the event and the claim", async () => {
    const ana = speaker(7101, "pt-BR");
    const client = await h.clientFor(ana);
    const events: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => events.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(ana.id) ? true : undefined), 5000, "stream open");
    h.api.sendVoice({ from: ana });
    const announced = await eventually(() => events.find((job) => job.state === "pending"), 5000, "job event");
    expect(announced.ownerLanguageCode).toBe("pt-BR");
    expect(announced.languageHint).toBeNull();
    const [listed] = await client.listJobs();
    expect(listed?.ownerLanguageCode).toBe("pt-BR");
    const claim = await client.claim(announced.id);
    expect(claim.job.ownerLanguageCode).toBe("pt-BR");
    // The bot's own texts still use the locale it maps to (Portuguese is not one: English).
    expect((await h.relay.store.getJob(announced.id))?.ownerLocale).toBe("en");
    subscription.close();
  });

  it("keeps a language the bot does not speak (uk) and the chat's /lang beside it", async () => {
    const olena = speaker(7102, "uk");
    h.api.sendText({ from: olena }, "/lang de");
    await h.api.waitForCall("sendMessage", (call) => call.params.text === texts.langSet("de"));
    const client = await h.clientFor(olena);
    h.api.sendVoice({ from: olena });
    const job = await eventually(async () => (await client.listJobs())[0], 5000, "job listed");
    expect(job).toMatchObject({ ownerLanguageCode: "uk", languageHint: "de" });
  });

  it("sends no language when Telegram gave none", async () => {
    const anon = speaker(7103, undefined);
    const client = await h.clientFor(anon);
    h.api.sendVoice({ from: anon });
    const job = await eventually(async () => (await client.listJobs())[0], 5000, "job listed");
    expect(job).not.toHaveProperty("ownerLanguageCode");
    const raw = await h.http("GET", "/api/jobs", { token: client.token ?? "" });
    const body: unknown = await raw.json();
    expect(JSON.stringify(body)).not.toContain("ownerLanguageCode");
  });
});

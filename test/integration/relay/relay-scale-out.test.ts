/**
 * Several relays on one Redis (issue 9), with a real redis-server and the stand-in Bot API:
 *
 * - long polling: two relay processes, exactly one polls; a voice message it receives is
 *   transcribed by a session connected to the other, and exactly one transcript reaches the chat;
 *   the polling relay is killed with SIGKILL mid-job, the other takes over polling within seconds
 *   and the job finishes through it; Redis is killed and restarted from its append-only file, the
 *   relays reconnect, and nothing Redis persisted is lost;
 * - webhook mode: two relays behind a round-robin load balancer share the updates, and every job
 *   gets exactly one transcript.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { RelayClient } from "../../../lib/relay/client";
import type { JobGoneData, JobSummary } from "../../../lib/relay/protocol";
import { parseConfig } from "../../../relay/config";
import { closeRedis, connectRedis } from "../../../relay/redis/redis-connection";
import { startRelay, type RelayHealth, type RunningRelay } from "../../../relay/relay-app";
import { texts } from "../../../relay/texts";
import { FakeBotApi, initDataFor, testUser, type RecordedCall } from "../../support/fake-bot-api";
import { eventually } from "./harness";
import { startLoadBalancer, type LoadBalancer } from "./load-balancer";
import { startRedisServer, type RedisServer } from "./redis-server";
import { startRelayProcess, stopRelayProcess, type RelayProcess } from "./relay-process";
import type { EventSubscription } from "../../../lib/relay/event-subscription";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function health(url: string): Promise<RelayHealth | undefined> {
  try {
    const response = await fetch(`${url}/healthz`);
    return response.ok ? ((await response.json()) as RelayHealth) : undefined;
  } catch {
    return undefined;
  }
}

/** What one session saw on its event stream. */
interface Watch {
  readonly jobs: JobSummary[];
  readonly gone: JobGoneData[];
  /** How many times the stream (re)connected. */
  readonly opens: number;
  readonly subscription: EventSubscription;
}

function watch(client: RelayClient): Watch {
  const jobs: JobSummary[] = [];
  const gone: JobGoneData[] = [];
  let opens = 0;
  const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: (g) => gone.push(g), onOpen: () => (opens += 1) });
  return {
    jobs,
    gone,
    subscription,
    get opens() {
      return opens;
    },
  };
}

const edits = (api: FakeBotApi, text: string): RecordedCall[] => api.succeeded("editMessageText").filter((call) => call.params.text === text);
const sends = (api: FakeBotApi, text: string): RecordedCall[] => api.succeeded("sendMessage").filter((call) => call.params.text === text);

describe("two relay processes on one Redis, long polling", () => {
  let redis: RedisServer;
  let api: FakeBotApi;
  const processes: RelayProcess[] = [];
  const watches: Watch[] = [];
  let leader: RelayProcess;
  let standby: RelayProcess;
  /** A direct connection, to see what the relays record (presence) without going through them. */
  let peek: Redis;

  /** Prints the relays' logs when the calling test fails. */
  function dumpLogsOnFailure(): void {
    onTestFailed(() => {
      for (const relay of processes) console.info(`--- ${relay.url}\n${relay.output()}`);
    });
  }

  /** Which relay polls now (exactly one must). */
  async function roles(candidates: readonly RelayProcess[]): Promise<[RelayProcess, RelayProcess]> {
    return eventually(async (): Promise<[RelayProcess, RelayProcess] | undefined> => {
      const states = await Promise.all(candidates.map((relay) => health(relay.url)));
      const polling = candidates.filter((_, i) => states[i]?.polling === true);
      const idle = candidates.filter((_, i) => states[i]?.polling === false);
      const [one] = polling;
      const [other] = idle;
      return polling.length === 1 && idle.length === candidates.length - 1 && one !== undefined && other !== undefined ? [one, other] : undefined;
    }, 10_000, "exactly one polling relay");
  }

  const env = (id: string): Record<string, string> => ({
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.url,
    RELAY_HOST: "127.0.0.1",
    RELAY_PORT: "0",
    RELAY_STORE: redis.url,
    RELAY_REDIS_PREFIX: "scale:",
    RELAY_INSTANCE_ID: id,
    JOB_LEASE_S: "10",
    RELAY_SWEEP_INTERVAL_MS: "200",
    RELAY_LEADER_LEASE_MS: "1500",
  });

  async function start(id: string): Promise<RelayProcess> {
    const relay = await startRelayProcess(env(id));
    processes.push(relay);
    return relay;
  }

  beforeAll(async () => {
    redis = await startRedisServer({ persistent: true });
    api = await FakeBotApi.start();
    peek = await connectRedis(redis.url, { name: "test-peek" });
    // Whichever takes the lease first polls; the other stands by.
    [leader, standby] = await roles(await Promise.all([start("relay-a"), start("relay-b")]));
  }, 60_000);

  afterAll(async () => {
    for (const w of watches) w.subscription.close();
    for (const relay of processes) await stopRelayProcess(relay);
    if (peek !== undefined) await closeRedis(peek);
    await api?.close();
    await redis?.stop();
  });

  it("polls from one relay only; a voice it receives is transcribed through the other, with one transcript", async () => {
    dumpLogsOnFailure();
    const waited = sleep(1600); // longer than a lease: the standby keeps trying to take over
    const alice = testUser(6001, "Alice");
    const client = new RelayClient({ baseUrl: standby.url });
    await client.linkWithInitData(initDataFor(api.token, alice));
    const seen = watch(client);
    watches.push(seen);
    await eventually(() => (seen.opens > 0 ? true : undefined), 5000, "stream open on the standby");
    // The standby records in Redis that Alice is online.
    await eventually(async () => (Object.keys(await peek.hgetall(`scale:online:${alice.id}`)).length > 0 ? true : undefined), 5000, "presence");
    await waited;
    // The leader kept renewing its lease: the roles did not change.
    expect(await roles([leader, standby])).toEqual([leader, standby]);

    const voice = api.sendVoice({ from: alice, size: 20_000 });
    const status = await api.waitForCall("sendMessage", (call) => call.params.chat_id === alice.id);
    // The leader knows the session on the other relay is online.
    expect(status.params.text).toBe(texts.statusWorking);
    expect(status.params.reply_parameters).toMatchObject({ message_id: voice.message_id });

    // The job created on the leader reaches the stream held by the standby.
    const job = await eventually(() => seen.jobs.find((j) => j.state === "pending"), 5000, "job event on the standby");
    const claim = await client.claim(job.id);
    expect((await client.fetchAudio(job.id, claim.lease)).data.byteLength).toBe(20_000);
    expect((await client.postResult(job.id, claim.lease, { text: "hello through relay B", segments: [], language: "en" })).status).toBe("accepted");
    await eventually(() => seen.gone.find((g) => g.id === job.id), 5000, "job-gone");

    // The edit waits its turn in the chat's pacing (the reactions on the voice take turns too).
    await eventually(() => (edits(api, "hello through relay B").length > 0 ? true : undefined), 5000, "the transcript edit");
    await sleep(800); // several sweeps on both relays: nothing more may be sent
    const shown = edits(api, "hello through relay B");
    expect(shown).toHaveLength(1);
    expect(shown[0]?.params.message_id).not.toBe(voice.message_id);
    expect(sends(api, "hello through relay B")).toHaveLength(0);
    expect(api.messageText(alice.id, Number(shown[0]?.params.message_id))).toBe("hello through relay B");
    // Created by one relay, shown in the chat by the other.
    expect(leader.output()).toContain(`job ${job.id} queued`);
    expect(standby.output()).not.toContain(`job ${job.id} queued`);
    expect(standby.output()).toContain(`job ${job.id} done, shown in the chat`);
    expect(leader.output()).not.toContain(`job ${job.id} done`);
  });

  it("finishes a job through the other relay when the polling one is killed mid-job, and polling moves over", async () => {
    dumpLogsOnFailure();
    const bob = testUser(6002, "Bob");
    const viaLeader = new RelayClient({ baseUrl: leader.url });
    await viaLeader.linkWithInitData(initDataFor(api.token, bob));
    api.sendVoice({ from: bob, size: 30_000 });
    const job = await eventually(async () => (await viaLeader.listJobs())[0], 5000, "Bob's job");
    const claim = await viaLeader.claim(job.id);
    expect((await viaLeader.fetchAudio(job.id, claim.lease)).data.byteLength).toBe(30_000);

    await stopRelayProcess(leader); // SIGKILL, mid-job
    const killedAt = Date.now();
    await eventually(async () => ((await health(standby.url))?.polling === true ? true : undefined), 8000, "standby polling");
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(5000);

    // The load balancer now sends the browser to the surviving relay: same token, same lease.
    const viaStandby = new RelayClient({ baseUrl: standby.url, token: viaLeader.token });
    await viaStandby.heartbeat(job.id, claim.lease);
    expect((await viaStandby.postResult(job.id, claim.lease, { text: "Bob's words", segments: [], language: "en" })).status).toBe("accepted");
    expect((await viaStandby.postResult(job.id, claim.lease, { text: "Bob's words", segments: [], language: "en" })).status).toBe("duplicate");
    await eventually(() => (edits(api, "Bob's words").length > 0 ? true : undefined), 5000, "Bob's transcript edit");
    await sleep(600);
    expect(edits(api, "Bob's words")).toHaveLength(1);

    // Updates sent after the takeover are received by the new poller.
    api.sendVoice({ from: bob, size: 1000 });
    const next = await eventually(async () => (await viaStandby.listJobs()).find((j) => j.id !== job.id), 8000, "a job from the new poller");
    expect(next.state).toBe("pending");
    // The job is listed as soon as it is stored; the standby logs "queued" once the chat was told, a moment later.
    await eventually(() => (standby.output().includes(`job ${next.id} queued`) ? true : undefined), 5000, "the standby queued it");
    console.info(`polling moved to the standby ${takeoverMs} ms after SIGKILL (lease 1500 ms)`);
  });

  it("reconnects after Redis restarts from its append-only file, and loses nothing Redis persisted", async () => {
    dumpLogsOnFailure();
    const third = await start("relay-c");
    const carol = testUser(6003, "Carol");
    const viaThird = new RelayClient({ baseUrl: third.url });
    await viaThird.linkWithInitData(initDataFor(api.token, carol));
    const viaStandby = new RelayClient({ baseUrl: standby.url, token: viaThird.token });
    const seen = watch(viaStandby);
    watches.push(seen);
    await eventually(() => (seen.opens > 0 ? true : undefined), 5000, "stream open");

    api.sendVoice({ from: carol, size: 2000 });
    const job = await eventually(() => seen.jobs.find((j) => j.state === "pending"), 5000, "Carol's job");
    const claim = await viaThird.claim(job.id);
    api.sendText({ from: carol }, "/link");
    const codeMessage = await api.waitForCall("sendMessage", (call) => call.params.chat_id === carol.id && String(call.params.text).startsWith("Your code"));
    const code = /Your code: (\S+)/.exec(String(codeMessage.params.text))?.[1] ?? "";

    await redis.kill(); // SIGKILL: only the append-only file survives
    const during = fetch(`${third.url}/api/jobs`, { headers: { authorization: `Bearer ${viaThird.token ?? ""}` } });
    await sleep(400);
    await redis.restart();

    // A request made while Redis was down waited and was answered once it came back.
    const answered = await during;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ jobs: [{ id: job.id, state: "claimed" }] });
    await eventually(() => (third.output().includes("connected to Redis at") && standby.output().includes("connected to Redis at") ? true : undefined), 10_000, "reconnect logs");

    // Sessions, leases and link codes survived.
    expect((await viaStandby.getSession()).user.id).toBe(carol.id);
    expect((await viaStandby.postResult(job.id, claim.lease, { text: "after the restart", segments: [], language: "en" })).status).toBe("accepted");
    const linked = new RelayClient({ baseUrl: standby.url });
    expect((await linked.linkWithCode(code)).user.id).toBe(carol.id);

    // The event stream was closed when the bus came back and resumed: it sees what happens now.
    await eventually(() => (seen.opens > 1 ? true : undefined), 10_000, "stream reopened");
    await eventually(() => seen.gone.find((g) => g.id === job.id), 5000, "job-gone after the restart");
    api.sendVoice({ from: carol, size: 1000 });
    const after = await eventually(() => seen.jobs.find((j) => j.id !== job.id && j.state === "pending"), 8000, "a job after the restart");
    expect(after.kind).toBe("voice");

    await eventually(() => (edits(api, "after the restart").length > 0 ? true : undefined), 5000, "the transcript edit after the restart");
    await sleep(600);
    expect(edits(api, "after the restart")).toHaveLength(1);
    const polling = await Promise.all([health(standby.url), health(third.url)]);
    expect(polling.filter((h) => h?.polling === true)).toHaveLength(1);
  });
});

describe("two relays behind a load balancer, webhook mode", () => {
  let redis: RedisServer;
  let api: FakeBotApi;
  let balancer: LoadBalancer;
  const relays: RunningRelay[] = [];
  const subscriptions: EventSubscription[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    api = await FakeBotApi.start();
    balancer = await startLoadBalancer([]);
    for (const id of ["hook-a", "hook-b"]) {
      const config = parseConfig({
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.url,
        RELAY_HOST: "127.0.0.1",
        RELAY_PORT: "0",
        RELAY_STORE: redis.url,
        RELAY_REDIS_PREFIX: "hook:",
        RELAY_INSTANCE_ID: id,
        WEBHOOK_URL: `${balancer.url}/telegram/hook`,
        WEBHOOK_SECRET: "shared-secret",
        RELAY_SWEEP_INTERVAL_MS: "200",
        RELAY_REDIS_TIMEOUT_MS: "1000",
      });
      relays.push(await startRelay(config));
    }
    balancer.setTargets(relays.map((relay) => relay.url));
  }, 30_000);

  afterAll(async () => {
    for (const subscription of subscriptions) subscription.close();
    for (const relay of relays) await relay.close();
    await balancer?.close();
    await api?.close();
    await redis?.stop();
  });

  it("spreads updates over both relays and gives every job exactly one transcript", async () => {
    const users = [testUser(7001), testUser(7002)];
    // Each user's browser is connected to a different relay.
    const clients = await Promise.all(
      users.map(async (user, i) => {
        const client = new RelayClient({ baseUrl: relays[i]?.url ?? "" });
        await client.linkWithInitData(initDataFor(api.token, user));
        return client;
      }),
    );
    const finished = new Set<string>();
    for (const client of clients) {
      const working = new Set<string>();
      subscriptions.push(
        client.subscribe({
          onJob: (job) => {
            if (job.state !== "pending" || working.has(job.id)) return;
            working.add(job.id);
            void (async () => {
              const claim = await client.claim(job.id);
              await client.fetchAudio(job.id, claim.lease);
              await client.postResult(job.id, claim.lease, { text: `transcript ${job.id}`, segments: [], language: null });
              finished.add(job.id);
            })();
          },
          onJobGone: () => undefined,
        }),
      );
    }
    await eventually(() => (relays.every((relay, i) => relay.hub.isOnline(users[i]?.id ?? 0)) ? true : undefined), 5000, "streams open");

    const count = 12;
    for (let i = 0; i < count; i += 1) api.sendVoice({ from: users[i % 2] ?? users[0] ?? testUser(1), size: 5000 });
    await eventually(() => (finished.size === count ? true : undefined), 15_000, `${count} jobs finished`);
    // Edits wait their turn in each chat's pacing (reactions take turns too): wait for all, then for strays.
    await eventually(() => ([...finished].every((id) => edits(api, `transcript ${id}`).length > 0) ? true : undefined), 20_000, "every transcript edit");
    await sleep(600);

    for (const id of finished) expect(edits(api, `transcript ${id}`)).toHaveLength(1);
    expect(api.webhookDeliveries).toHaveLength(count);
    expect(api.webhookDeliveries.every((delivery) => delivery.status === 200)).toBe(true);
    for (const relay of relays) expect(balancer.counts.get(relay.url) ?? 0).toBeGreaterThanOrEqual(count / 2 - 1);
    expect(api.callsTo("getUpdates")).toHaveLength(0);
  });

  it("asks Telegram to resend an update (503) and browsers to retry while Redis cannot be reached", async () => {
    const user = testUser(7003);
    const client = new RelayClient({ baseUrl: balancer.url });
    await client.linkWithInitData(initDataFor(api.token, user));
    const delivered = api.webhookDeliveries.length;
    await redis.kill();
    try {
      api.sendVoice({ from: user, size: 1000 });
      await eventually(() => (api.webhookDeliveries.length > delivered ? true : undefined), 10_000, "webhook answer");
      expect(api.webhookDeliveries.at(-1)?.status).toBe(503);
      const listed = await fetch(`${balancer.url}/api/jobs`, { headers: { authorization: `Bearer ${client.token ?? ""}` } });
      expect(listed.status).toBe(503);
      expect(listed.headers.get("retry-after")).toBe("5");
    } finally {
      await redis.restart();
    }
  });
});

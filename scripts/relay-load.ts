/**
 * Load check for several relays (not a timed test): jobs per second through one relay and through
 * two behind a round-robin load balancer, and each relay's peak RSS meanwhile. Everything runs on
 * 127.0.0.1: a redis-server on a free port, the stand-in Bot API (which delivers every voice message
 * as a webhook POST to the balancer), the balancer, the relay processes, and simulated browser
 * sessions that follow their event stream through the balancer and claim, download and answer each
 * job (one at a time per session, as a browser tab does).
 *
 *   node --import tsx scripts/relay-load.ts [--jobs 600] [--users 40] [--size-kb 16] [--inflight 80]
 *                                          [--variants sqlite-1,redis-1,redis-2] [--runtime bundle|tsx]
 *                                          [--node-flags "--trace-gc"] [--keep-logs]
 *
 * Variants: `sqlite-1` one relay on SQLite (the default deployment, for reference); `redis-N` N relays
 * (1–4) on one Redis. Jobs are created as fast as they finish, keeping at most --inflight unfinished;
 * a warm-up round (one job per user) is not counted. Every job must end with exactly one transcript
 * in the chat. The relay paces each private chat at one message a second (Telegram's limit,
 * relay/telegram/chat-pacer.ts) and a result waits for its chat edit, so the loop cannot pass
 * --users jobs/s: measure with more users than the rate you look for. Bounded: --jobs ≤ 5000, --users ≤ 1000, --size-kb ≤ 1024, 180 s per variant.
 * The relays log at `info`, as deployed (two lines per job), and run bundled under plain node with
 * RELAY_NODE_FLAGS as `npm start` does; their output is drained, warnings shown. Besides jobs/s it
 * prints each process' CPU as a share of one core (the relays', redis-server's, and this load
 * generator's own from process.cpuUsage()) and names the busiest, so the limiting part is plain;
 * scripts/relay-store-bench.ts measures the store alone.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Server } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cpuSeconds, print, printError, procMemory } from "./relay-script-support";
import { argValue, boundedNumber, choice, nodeFlags } from "./relay-bench/options";
import { printLoadReport, type LoadFigures } from "./relay-bench/load-report";
import { LoadSession, type Latencies } from "./relay-bench/load-session";
import { benchRelayEnv, RELAY_NODE_FLAGS, relayArgs, startRelayChild, stopChild, type RelayCommand } from "./relay-bench/relay-child";
import { RelayClient } from "../lib/relay/client";
import { startLoadBalancer } from "../test/integration/relay/load-balancer";
import { startRedisServer, type RedisServer } from "../test/integration/relay/redis-server";
import { FakeBotApi, initDataFor, testUser } from "../test/support/fake-bot-api";

const ROOT = resolve(__dirname, "..");
const DEADLINE_MS = 180_000;
const HOOK_PATH = "/telegram/hook";
const HOOK_SECRET = "relay-load-secret";

interface Variant {
  readonly name: string;
  readonly store: "sqlite" | "redis";
  readonly relays: number;
}

interface Options {
  readonly jobs: number;
  readonly users: number;
  readonly sizeBytes: number;
  readonly inflight: number;
  readonly variants: readonly Variant[];
  /** How the relays run: RELAY_NODE_FLAGS plus --node-flags (e.g. --trace-gc). */
  readonly command: RelayCommand;
  /** Keep the relays' logs (their folder is printed). */
  readonly keepLogs: boolean;
}

function variant(name: string): Variant {
  const match = /^(sqlite|redis)-(\d)$/.exec(name);
  const relays = Number(match?.[2]);
  if (match === null || (match[1] !== "sqlite" && match[1] !== "redis") || relays < 1 || relays > 4 || (match[1] === "sqlite" && relays !== 1)) {
    throw new Error(`unknown variant "${name}" (use sqlite-1 or redis-1 … redis-4)`);
  }
  return { name, store: match[1], relays };
}

function parseArgs(argv: readonly string[]): Options {
  const extra = nodeFlags(argv);
  return {
    jobs: boundedNumber(argv, "--jobs", 600, 1, 5000),
    users: boundedNumber(argv, "--users", 40, 1, 1000),
    sizeBytes: boundedNumber(argv, "--size-kb", 16, 1, 1024) * 1024,
    inflight: boundedNumber(argv, "--inflight", 80, 1, 500),
    variants: (argValue(argv, "--variants") ?? "sqlite-1,redis-1,redis-2").split(",").map((name) => variant(name.trim())),
    command: { runtime: choice(argv, "--runtime", ["bundle", "tsx"], "bundle"), nodeFlags: [...RELAY_NODE_FLAGS, ...extra] },
    keepLogs: argv.includes("--keep-logs"),
  };
}

async function measure(v: Variant, options: Options, args: readonly string[]): Promise<LoadFigures> {
  const api = await FakeBotApi.start();
  // The stand-in closes idle connections after Node's default 5 s; the relays' Bot API client keeps
  // them longer, and on a busy machine a request can go out on one just as it is closed (ECONNRESET).
  // Telegram keeps connections open far longer, so match that here.
  const fakeServer: unknown = Reflect.get(api, "server");
  if (fakeServer instanceof Server) fakeServer.keepAliveTimeout = 65_000;
  const balancer = await startLoadBalancer([]);
  const dir = mkdtempSync(join(tmpdir(), "relay-load-"));
  let redis: RedisServer | null = null;
  const children: ChildProcess[] = [];
  const sessions: LoadSession[] = [];
  const deadline = setTimeout(() => {
    printError(`deadline of ${DEADLINE_MS / 1000} s passed; stopping`);
    for (const child of children) child.kill("SIGKILL");
    void redis?.stop();
    process.exit(2);
  }, DEADLINE_MS);
  try {
    if (v.store === "redis") redis = await startRedisServer();
    const settled = await Promise.allSettled(
      Array.from({ length: v.relays }, (_, i) =>
        startRelayChild(ROOT, args, {
          ...benchRelayEnv(api, redis === null ? `sqlite:${join(dir, "relay.sqlite")}` : redis.url),
          RELAY_INSTANCE_ID: `load-${i + 1}`,
          WEBHOOK_URL: `${balancer.url}${HOOK_PATH}`,
          WEBHOOK_SECRET: HOOK_SECRET,
        }, { logFile: join(dir, `relay-${i + 1}.log`) }),
      ),
    );
    const started = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    for (const relay of started) children.push(relay.child);
    for (const outcome of settled) if (outcome.status === "rejected") throw outcome.reason;
    balancer.setTargets(started.map((relay) => relay.url));

    let done = 0;
    let failures = 0;
    const latencies: Latencies = { claim: [], audio: [], result: [] };
    const users = Array.from({ length: options.users }, (_, i) => testUser(50_000 + i));
    for (const user of users) {
      const client = new RelayClient({ baseUrl: balancer.url });
      await client.linkWithInitData(initDataFor(api.token, user));
      const session = new LoadSession(
        client,
        latencies,
        () => (done += 1),
        (error) => {
          failures += 1;
          if (failures <= 5) printError(error);
        },
      );
      await session.open();
      sessions.push(session);
    }
    const waitFor = async (target: number): Promise<void> => {
      while (done < target) {
        if (failures > 0) throw new Error(`${failures} session request(s) failed`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    // Warm-up: one job per user, not counted.
    for (const user of users) api.sendVoice({ from: user, size: options.sizeBytes });
    await waitFor(users.length);
    const warm = done;

    const pids = started.map((relay) => relay.child.pid ?? 0);
    const peaks = pids.map(() => 0);
    let redisPeak = 0;
    const sampler = setInterval(() => {
      pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i] ?? 0, procMemory(pid)?.rss ?? 0)));
      redisPeak = Math.max(redisPeak, procMemory(redis?.pid() ?? 0)?.rss ?? 0);
    }, 20);
    const cpuBefore = pids.map(cpuSeconds);
    const redisCpuBefore = cpuSeconds(redis?.pid() ?? 0);
    const driverBefore = process.cpuUsage();
    const requestsBefore = started.map((relay) => balancer.counts.get(relay.url) ?? 0);
    const chatMessages = (): number => api.callsTo("sendMessage").length + api.callsTo("editMessageText").length;
    const messagesBefore = chatMessages();

    for (const list of Object.values(latencies)) list.length = 0;
    const t0 = performance.now();
    let sent = 0;
    while (sent < options.jobs) {
      while (sent < options.jobs && sent - (done - warm) < options.inflight) {
        const user = users[sent % users.length] ?? users[0];
        if (user === undefined) throw new Error("no users");
        api.sendVoice({ from: user, size: options.sizeBytes });
        sent += 1;
      }
      await new Promise((r) => setTimeout(r, 2));
      if (failures > 0) throw new Error(`${failures} session request(s) failed`);
    }
    await waitFor(warm + options.jobs);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const driver = process.cpuUsage(driverBefore);
    const messagesPerJob = (chatMessages() - messagesBefore) / options.jobs;

    await new Promise((r) => setTimeout(r, 500));
    const transcripts = api.succeeded("editMessageText").filter((call) => String(call.params.text).startsWith("t:"));
    const distinct = new Set(transcripts.map((call) => String(call.params.text)));
    const expected = warm + options.jobs;
    if (transcripts.length !== expected || distinct.size !== expected) {
      throw new Error(`expected ${expected} transcripts, one per job; saw ${transcripts.length} (${distinct.size} distinct)`);
    }
    const heaps = await Promise.all(
      started.map(async (relay) => {
        const health: unknown = await (await fetch(`${relay.url}/healthz`)).json();
        const heap = typeof health === "object" && health !== null ? Reflect.get(health, "heapUsed") : undefined;
        return typeof heap === "number" ? heap : 0;
      }),
    );
    return {
      variant: v.name,
      jobs: options.jobs,
      users: options.users,
      messagesPerJob,
      seconds,
      perRelay: started.map((relay, i) => ({
        heapAfter: heaps[i] ?? 0,
        peakRss: peaks[i] ?? 0,
        hwm: procMemory(pids[i] ?? 0)?.hwm ?? 0,
        cpu: cpuSeconds(pids[i] ?? 0) - (cpuBefore[i] ?? 0),
        requests: (balancer.counts.get(relay.url) ?? 0) - (requestsBefore[i] ?? 0),
      })),
      redisCpu: redis === null ? 0 : cpuSeconds(redis.pid()) - redisCpuBefore,
      redisPeakRss: redisPeak,
      driverCpu: (driver.user + driver.system) / 1e6,
      latencies,
    };
  } catch (error) {
    for (let i = 1; i <= v.relays; i += 1) {
      try {
        const lines = readFileSync(join(dir, `relay-${i}.log`), "utf8").trimEnd().split("\n");
        printError(`--- last lines of relay ${i}'s log:\n${lines.slice(-15).join("\n")}`);
      } catch {
        // It never started.
      }
    }
    throw error;
  } finally {
    clearTimeout(deadline);
    for (const session of sessions) session.close();
    await Promise.all(children.map(stopChild));
    await balancer.close();
    await api.close();
    await redis?.stop();
    if (options.keepLogs) print(`  (${v.name}: relay logs kept in ${dir})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const args = await relayArgs(ROOT, "relay-load", options.command);
  print(
    `relay load: ${options.jobs} jobs (+${options.users} warm-up) of ${options.sizeBytes / 1024} KB, ${options.users} sessions, ≤ ${options.inflight} in flight, ` +
      `webhook mode behind a round-robin balancer, ${options.command.runtime} ${options.command.nodeFlags.join(" ")}, loopback only, ${cpus().length} CPU(s)`,
  );
  const results: LoadFigures[] = [];
  for (const v of options.variants) {
    const last = await measure(v, options, args);
    results.push(last);
    print(`  ${last.variant}: ${(last.jobs / last.seconds).toFixed(0)} jobs/s`);
  }
  printLoadReport(results, cpus().length);
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});

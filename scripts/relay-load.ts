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
 * in the chat. Bounded: --jobs ≤ 5000, --users ≤ 200, --size-kb ≤ 1024, 180 s per variant.
 * The relays log at `info`, as deployed (two lines per job); their output is drained, warnings shown.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Server } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleRelay, cpuSeconds, fmt, print, printError, procMemory } from "./relay-script-support";
import { RelayClient } from "../lib/relay/client";
import { startLoadBalancer } from "../test/integration/relay/load-balancer";
import { startRedisServer, type RedisServer } from "../test/integration/relay/redis-server";
import { FakeBotApi, initDataFor, testUser } from "../test/support/fake-bot-api";
import type { EventSubscription } from "../lib/relay/event-subscription";

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
  readonly runtime: "bundle" | "tsx";
  /** Extra flags for the relays' node, e.g. --trace-gc. */
  readonly nodeFlags: readonly string[];
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
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index === -1 ? undefined : argv[index + 1];
  };
  const bounded = (name: string, fallback: number, min: number, max: number): number => {
    const n = Number(value(name) ?? fallback);
    if (!Number.isFinite(n)) throw new Error(`${name} must be a number`);
    return Math.round(Math.min(max, Math.max(min, n)));
  };
  const runtime = value("--runtime") ?? "bundle";
  if (runtime !== "bundle" && runtime !== "tsx") throw new Error(`--runtime must be bundle or tsx, got "${runtime}"`);
  return {
    jobs: bounded("--jobs", 600, 1, 5000),
    users: bounded("--users", 40, 1, 200),
    sizeBytes: bounded("--size-kb", 16, 1, 1024) * 1024,
    inflight: bounded("--inflight", 80, 1, 500),
    variants: (value("--variants") ?? "sqlite-1,redis-1,redis-2").split(",").map((name) => variant(name.trim())),
    runtime,
    nodeFlags: (value("--node-flags") ?? "").split(" ").filter((flag) => flag.startsWith("--")),
    keepLogs: argv.includes("--keep-logs"),
  };
}

/** Starts a relay; everything it prints goes to `logFile` (and warnings to stderr). */
function startRelay(args: readonly string[], env: Record<string, string>, logFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`relay did not start:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        // The log file keeps draining the pipes; warnings and errors are also shown here.
        child.stderr?.on("data", (more: Buffer) => process.stderr.write(more));
        resolvePromise({ child, url });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${output}`));
    });
  });
}

/** Milliseconds each session request took, by kind. */
interface Latencies {
  readonly claim: number[];
  readonly audio: number[];
  readonly result: number[];
}

/** One simulated browser tab: follows its event stream, works on its jobs one at a time. */
class Session {
  private readonly queue: string[] = [];
  private readonly seen = new Set<string>();
  private busy = false;
  private subscription: EventSubscription | null = null;

  constructor(
    private readonly client: RelayClient,
    private readonly latencies: Latencies,
    private readonly onDone: (jobId: string) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  open(): Promise<void> {
    return new Promise((resolvePromise) => {
      this.subscription = this.client.subscribe({
        onOpen: () => resolvePromise(),
        onJob: (job) => {
          if (job.state !== "pending" || this.seen.has(job.id)) return;
          this.seen.add(job.id);
          this.queue.push(job.id);
          void this.work();
        },
        onJobGone: () => undefined,
      });
    });
  }

  private async work(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let id = this.queue.shift(); id !== undefined; id = this.queue.shift()) {
        try {
          const t0 = performance.now();
          const claim = await this.client.claim(id);
          const t1 = performance.now();
          await this.client.fetchAudio(id, claim.lease);
          const t2 = performance.now();
          const posted = await this.client.postResult(id, claim.lease, { text: `t:${id}`, segments: [], language: "en" });
          const t3 = performance.now();
          this.latencies.claim.push(t1 - t0);
          this.latencies.audio.push(t2 - t1);
          this.latencies.result.push(t3 - t2);
          if (posted.status === "accepted") this.onDone(id);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.subscription?.close();
  }
}

interface Figures {
  readonly variant: string;
  readonly jobs: number;
  readonly seconds: number;
  readonly perRelay: ReadonlyArray<{ readonly peakRss: number; readonly hwm: number; readonly cpu: number; readonly requests: number; readonly heapAfter: number }>;
  readonly redisCpu: number;
  readonly redisPeakRss: number;
  readonly driverCpu: number;
  readonly latencies: Latencies;
}

async function measure(v: Variant, options: Options, relayArgs: readonly string[]): Promise<Figures> {
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
  const sessions: Session[] = [];
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
        startRelay(relayArgs, {
          TELEGRAM_BOT_TOKEN: api.token,
          TELEGRAM_API_ROOT: api.url,
          RELAY_HOST: "127.0.0.1",
          RELAY_PORT: "0",
          RELAY_STORE: redis === null ? `sqlite:${join(dir, "relay.sqlite")}` : redis.url,
          RELAY_INSTANCE_ID: `load-${i + 1}`,
          WEBHOOK_URL: `${balancer.url}${HOOK_PATH}`,
          WEBHOOK_SECRET: HOOK_SECRET,
          RELAY_JOBS_PER_MIN: "100000",
          RELAY_REQUESTS_PER_MIN: "1000000",
          RELAY_LINKS_PER_MIN: "1000000",
          LOG_LEVEL: "info",
        }, join(dir, `relay-${i + 1}.log`)),
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
      const session = new Session(
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
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((r) => {
            if (child.exitCode !== null || child.signalCode !== null) return r();
            child.once("exit", () => r());
            child.kill("SIGTERM");
          }),
      ),
    );
    await balancer.close();
    await api.close();
    await redis?.stop();
    if (options.keepLogs) print(`  (${v.name}: relay logs kept in ${dir})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function percentiles(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0).toFixed(0);
  return `${at(0.5)} / ${at(0.95)}`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const relayArgs = [...options.nodeFlags, ...(options.runtime === "bundle" ? [await bundleRelay(ROOT, "relay-load")] : ["--import", "tsx", "relay/main.ts"])];
  print(
    `relay load: ${options.jobs} jobs (+${options.users} warm-up) of ${options.sizeBytes / 1024} KB, ${options.users} sessions, ≤ ${options.inflight} in flight, ` +
      `webhook mode behind a round-robin balancer, ${options.runtime}, loopback only, ${cpus().length} CPU(s)`,
  );
  const results: Figures[] = [];
  for (const v of options.variants) {
    results.push(await measure(v, options, relayArgs));
    const last = results.at(-1);
    if (last !== undefined) print(`  ${last.variant}: ${(last.jobs / last.seconds).toFixed(0)} jobs/s`);
  }
  print("");
  print(["variant".padEnd(10), "jobs/s".padStart(8), "time".padStart(8), "relay".padStart(7), "peak RSS".padStart(10), "VmHWM".padStart(10), "heap after".padStart(12), "CPU".padStart(8), "requests".padStart(10)].join(""));
  for (const r of results) {
    r.perRelay.forEach((relay, i) => {
      print(
        [
          (i === 0 ? r.variant : "").padEnd(10),
          (i === 0 ? (r.jobs / r.seconds).toFixed(0) : "").padStart(8),
          (i === 0 ? `${r.seconds.toFixed(1)} s` : "").padStart(8),
          `#${i + 1}`.padStart(7),
          fmt(relay.peakRss).padStart(10),
          fmt(relay.hwm).padStart(10),
          fmt(relay.heapAfter).padStart(12),
          `${relay.cpu.toFixed(1)} s`.padStart(8),
          String(relay.requests).padStart(10),
        ].join(""),
      );
    });
    if (r.redisCpu > 0) print(`${"".padEnd(33)}redis ${fmt(r.redisPeakRss).padStart(10)}${"".padStart(22)}${`${r.redisCpu.toFixed(1)} s`.padStart(8)}`);
    print(`${"".padEnd(33)}driver (stand-in Bot API, balancer, sessions) CPU ${r.driverCpu.toFixed(1)} s`);
  }
  print("");
  print(["variant".padEnd(10), "claim p50/p95".padStart(18), "audio p50/p95".padStart(18), "result p50/p95".padStart(18), "relay CPU/job".padStart(15)].join(""));
  for (const r of results) {
    const cpu = r.perRelay.reduce((sum, relay) => sum + relay.cpu, 0) + r.redisCpu;
    print(
      [
        r.variant.padEnd(10),
        percentiles(r.latencies.claim).padStart(18),
        percentiles(r.latencies.audio).padStart(18),
        percentiles(r.latencies.result).padStart(18),
        `${((cpu / r.jobs) * 1000).toFixed(1)} ms`.padStart(15),
      ].join(""),
    );
  }
  print("(session request latencies through the balancer, in ms; relay CPU/job: CPU of all relays and Redis per measured job)");
  print("(peak RSS: sampled every 20 ms during the measured jobs; VmHWM: the process' peak RSS since it started; heap after: V8 heap in use half a second after the last job; CPU: user+system seconds during the measured jobs; requests: HTTP requests the balancer sent to that relay)");
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});

/**
 * Soak of one relay (not a timed test): a bounded run of mixed traffic against a relay child
 * process, bundled and run as `npm start` runs it, looking for trends rather than peaks.
 *
 *   node --import tsx scripts/relay-soak.ts [--minutes 10] [--sample-s 10] [--store sqlite|redis]
 *                                          [--users 60] [--jobs-per-s 30] [--bound-mb-per-min 1] [--bundle FILE]
 *
 * Traffic, all on 127.0.0.1: voice messages from --users users at --jobs-per-s through the
 * stand-in Bot API (long polling), each taken end to end by that user's simulated tab (event
 * stream, claim, 16 KB download, result; scripts/relay-bench/load-session.ts); every few seconds a
 * tab drops its event stream and reconnects; every second a round of sign-ins (valid, forged, a
 * wrong code) and refused requests (scripts/relay-bench/soak-traffic.ts). Every --sample-s it
 * samples the relay's RSS (/proc), heap (/healthz), event-loop delay and open handles (a probe
 * preloaded into the relay: scripts/relay-bench/soak-probe.mjs) and open file descriptors.
 * At the end: a table, the least-squares slope of RSS in MB/min over the samples after the first
 * fifth of the run (start-up and JIT warm-up left out), pass when it is within --bound-mb-per-min;
 * and every job must have ended with exactly one transcript in the chat (none lost, none twice).
 * --bundle runs a prebuilt relay bundle (e.g. an older commit's) instead of bundling this one.
 * Bounded: --minutes ≤ 60 (fractions allowed, e.g. 0.15 for a smoke run). Exit code 1 on a fail.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fmt, MB, print, printError, procMemory, rssSplit, slope } from "./relay-script-support";
import { argValue, boundedNumber, choice } from "./relay-bench/options";
import { field, httpJson } from "./relay-bench/http-client";
import { LoadSession, type Latencies } from "./relay-bench/load-session";
import { benchRelayEnv, RELAY_MALLOC_ENV, RELAY_NODE_FLAGS, relayArgs, startRelayChild, stopChild } from "./relay-bench/relay-child";
import { newSideTraffic, sideRound } from "./relay-bench/soak-traffic";
import { RelayClient } from "../lib/relay/client";
import { startRedisServer, type RedisServer } from "../test/integration/relay/redis-server";
import { FakeBotApi, initDataFor, testUser } from "../test/support/fake-bot-api";

const ROOT = resolve(__dirname, "..");
const PROBE = join(ROOT, "scripts", "relay-bench", "soak-probe.mjs");

interface Sample {
  readonly minute: number;
  readonly rss: number;
  readonly anon: number;
  readonly heap: number;
  /** V8's heap as reserved (heapTotal) and memory outside it (external). */
  readonly heapTotal: number;
  readonly external: number;
  readonly p99: number;
  readonly max: number;
  readonly handles: number;
  readonly fds: number;
  readonly jobs: number;
  readonly reconnects: number;
}

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const minutes = boundedNumber(argv, "--minutes", 10, 0.05, 60, true);
  const sampleMs = boundedNumber(argv, "--sample-s", minutes >= 2 ? 10 : 2, 1, 120, true) * 1000;
  const store = choice(argv, "--store", ["sqlite", "redis"], "sqlite");
  const users = boundedNumber(argv, "--users", 60, 1, 200);
  const jobsPerSecond = boundedNumber(argv, "--jobs-per-s", 30, 0.1, 100, true);
  const bound = boundedNumber(argv, "--bound-mb-per-min", 1, 0, 100, true);
  print(`relay soak: ${minutes} min, ${store}, ${users} users, ${jobsPerSecond} jobs/s, a sample every ${sampleMs / 1000} s, RSS slope bound ±${bound} MB/min, loopback only`);

  const api = await FakeBotApi.start();
  // As in relay-load.ts: the stand-in closes idle connections after Node's default 5 s, and the
  // relay's Bot API client can send a request on one just as it closes (ECONNRESET, a 502 for the
  // tab). Telegram keeps connections open far longer.
  const fakeServer: unknown = Reflect.get(api, "server");
  if (fakeServer instanceof Server) fakeServer.keepAliveTimeout = 65_000;
  const dir = mkdtempSync(join(tmpdir(), "relay-soak-"));
  let redis: RedisServer | null = null;
  const sessions: LoadSession[] = [];
  const timers: Array<ReturnType<typeof setInterval>> = [];
  let stopRelay: () => Promise<void> = async () => undefined;
  try {
    if (store === "redis") redis = await startRedisServer();
    const bundle = argValue(argv, "--bundle");
    const args = await relayArgs(ROOT, "relay-soak", { runtime: "bundle", nodeFlags: [...RELAY_NODE_FLAGS, "--import", PROBE], ...(bundle === undefined ? {} : { bundle: resolve(bundle) }) });
    const relay = await startRelayChild(ROOT, args, {
      ...RELAY_MALLOC_ENV,
      RELAY_SOAK_PROBE_MS: String(sampleMs),
      ...benchRelayEnv(api, redis === null ? `sqlite:${join(dir, "relay.sqlite")}` : redis.url),
    });
    stopRelay = () => stopChild(relay.child);
    const pid = relay.child.pid ?? 0;
    let probe: { p99: number; max: number; handles: number } = { p99: 0, max: 0, handles: 0 };
    relay.child.stdout?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line.startsWith("@@soak-probe ")) continue;
        const parsed: unknown = JSON.parse(line.slice("@@soak-probe ".length));
        probe = { p99: Number(field(parsed, "p99")), max: Number(field(parsed, "max")), handles: Number(field(parsed, "handles")) };
      }
    });

    const done = new Map<string, number>();
    const failures: string[] = [];
    const latencies: Latencies = { claim: [], audio: [], result: [] };
    const people = Array.from({ length: users }, (_, i) => testUser(70_000 + i));
    for (const user of people) {
      const client = new RelayClient({ baseUrl: relay.url });
      await client.linkWithInitData(initDataFor(api.token, user));
      const session = new LoadSession(client, latencies, (id) => done.set(id, (done.get(id) ?? 0) + 1), (error) => {
        failures.push(error instanceof Error ? error.message : String(error));
      });
      await session.open();
      sessions.push(session);
    }
    const probeToken = (await httpJson("POST", `${relay.url}/api/session/telegram`, null, { initData: initDataFor(api.token, testUser(79_999)) })).json;
    const token = String(field(probeToken, "token"));

    // The traffic: jobs at a steady rate, a reconnect every 3 s, a side round every second.
    let sent = 0;
    let reconnects = 0;
    let round = 0;
    const side = newSideTraffic();
    const t0 = Date.now();
    const endAt = t0 + minutes * 60_000;
    timers.push(
      setInterval(() => {
        const due = Math.floor(((Date.now() - t0) / 1000) * jobsPerSecond);
        for (; sent < due && Date.now() < endAt; sent += 1) api.sendVoice({ from: people[sent % users] ?? people[0] ?? testUser(70_000), size: 16_384 });
      }, 50),
      setInterval(() => {
        const session = sessions[reconnects % sessions.length];
        reconnects += 1;
        session?.close();
        void session?.open();
      }, 3000),
      setInterval(() => void sideRound(relay.url, api.token, token, (round += 1), side), 1000),
    );

    const samples: Sample[] = [];
    print(["minute".padStart(7), "RSS".padStart(9), "anon".padStart(9), "heap".padStart(9), "heap total".padStart(11), "external".padStart(9), "loop p99".padStart(10), "loop max".padStart(10), "handles".padStart(8), "fds".padStart(6), "jobs".padStart(7), "reconnects".padStart(11)].join(""));
    const sample = async (): Promise<void> => {
      const health = (await httpJson("GET", `${relay.url}/healthz`, null)).json;
      const s: Sample = {
        minute: (Date.now() - t0) / 60_000,
        rss: procMemory(pid)?.rss ?? 0,
        anon: rssSplit(pid)?.anon ?? 0,
        heap: Number(field(health, "heapUsed") ?? 0),
        heapTotal: Number(field(health, "heapTotal") ?? 0),
        external: Number(field(health, "external") ?? 0),
        ...probe,
        fds: openFds(pid),
        jobs: done.size,
        reconnects,
      };
      samples.push(s);
      print([s.minute.toFixed(2).padStart(7), fmt(s.rss).padStart(9), fmt(s.anon).padStart(9), fmt(s.heap).padStart(9), fmt(s.heapTotal).padStart(11), fmt(s.external).padStart(9), `${s.p99.toFixed(1)} ms`.padStart(10), `${s.max.toFixed(1)} ms`.padStart(10), String(s.handles).padStart(8), String(s.fds).padStart(6), String(s.jobs).padStart(7), String(s.reconnects).padStart(11)].join(""));
    };
    while (Date.now() < endAt) {
      await new Promise((r) => setTimeout(r, Math.min(sampleMs, Math.max(0, endAt - Date.now()))));
      await sample();
    }
    for (const timer of timers) clearInterval(timer);
    // Let the jobs in flight finish (each chat is paced at one message a second).
    const drainBy = Date.now() + 30_000;
    while (done.size < sent && Date.now() < drainBy) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));

    const transcripts = api.succeeded("editMessageText").map((call) => String(call.params.text)).filter((text) => text.startsWith("t:"));
    const distinct = new Set(transcripts);
    const twice = [...done.values()].filter((n) => n > 1).length;
    const lost = sent - distinct.size;
    const duplicated = transcripts.length - distinct.size + twice;
    const late = samples.filter((s) => s.minute >= minutes / 5);
    const rssSlope = slope(late.map((s) => ({ x: s.minute, y: s.rss / MB })));
    const heapSlope = slope(late.map((s) => ({ x: s.minute, y: s.heap / MB })));
    const totalSlope = slope(late.map((s) => ({ x: s.minute, y: s.heapTotal / MB })));
    const anonSlope = slope(late.map((s) => ({ x: s.minute, y: s.anon / MB })));
    const fdSlope = slope(late.map((s) => ({ x: s.minute, y: s.fds })));
    const slopeOk = Math.abs(rssSlope) <= bound;
    const jobsOk = lost === 0 && duplicated === 0 && failures.length === 0;
    const sideOk = side.unexpected.length === 0;
    print("");
    print(`jobs: ${sent} sent, ${distinct.size} transcripts in the chat, ${lost} lost, ${duplicated} duplicated, ${failures.length} session errors${failures.length > 0 ? ` (first: ${failures[0]})` : ""}`);
    print(`side traffic: ${side.links} sign-ins, ${side.forgedLinks} forged sign-ins, ${side.codeGuesses} wrong codes, ${side.badRequests} refused requests, ${reconnects} event-stream reconnects; ${side.unexpected.length} unexpected answers${sideOk ? "" : ` (first: ${side.unexpected[0]})`}`);
    print(`RSS slope after minute ${(minutes / 5).toFixed(1)}: ${rssSlope >= 0 ? "+" : ""}${rssSlope.toFixed(2)} MB/min (bound ±${bound}) — ${slopeOk ? "pass" : "FAIL"}; anon ${anonSlope >= 0 ? "+" : ""}${anonSlope.toFixed(2)}, heap used ${heapSlope >= 0 ? "+" : ""}${heapSlope.toFixed(2)}, heap total ${totalSlope >= 0 ? "+" : ""}${totalSlope.toFixed(2)} MB/min; fds ${fdSlope >= 0 ? "+" : ""}${fdSlope.toFixed(2)}/min`);
    print(`event-loop delay: worst p99 ${Math.max(...samples.map((s) => s.p99)).toFixed(1)} ms, worst max ${Math.max(...samples.map((s) => s.max)).toFixed(1)} ms; open handles ${Math.min(...samples.map((s) => s.handles))}–${Math.max(...samples.map((s) => s.handles))}`);
    print(`transcripts: ${jobsOk ? "pass" : "FAIL"}; refused requests: ${sideOk ? "pass" : "FAIL"}`);
    if (!slopeOk || !jobsOk || !sideOk) process.exitCode = 1;
  } finally {
    for (const timer of timers) clearInterval(timer);
    for (const session of sessions) session.close();
    await stopRelay();
    await api.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});

/**
 * Memory check for the relay (not a timed test): streams COUNT voice files of SIZE_MB each,
 * concurrently, from the stand-in Bot API through a relay child process to simulated browser
 * sessions, and prints the relay's RSS before, during (peak) and after. Goal: at most 80 MB
 * throughout, i.e. memory does not grow with the audio.
 *
 *   node --import tsx scripts/relay-memory.ts [--runs 10] [--store sqlite|redis] [--count 50] [--size-mb 19]
 *                                            [--variants bundle,tsx+malloc-flags,…] [--bundle FILE]
 *
 * Variants: `bundle` runs the relay bundled by esbuild under plain node with the flags and glibc
 * settings `npm start` and the container use (scripts/run-together.mjs): that is the deployment.
 * `tsx` runs `node --import tsx relay/main.ts` as the dev command does (the loader thread alone
 * adds ~35 MB). `-malloc` drops the glibc settings, `-flags` the node flags. `--bundle FILE` runs
 * that prebuilt bundle instead (e.g. an older commit's, for before/after figures). With `--store
 * redis` every run gets its own redis-server on a free loopback port. Everything stays on
 * 127.0.0.1; bounded by --count ≤ 200, --size-mb ≤ 19, --runs ≤ 20 and 180 s per run. Sessions
 * pause reading for half a second mid-file, so the relay has to follow backpressure rather than
 * buffer. RELAY_MEMORY_DEBUG=1 also prints the relay's log and its heap figures once a second.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cpuSeconds, fmt, MB, print, printError, procMemory, rssSplit } from "./relay-script-support";
import { argValue, boundedNumber, choice } from "./relay-bench/options";
import { download, field, httpJson } from "./relay-bench/http-client";
import { benchRelayEnv, RELAY_MALLOC_ENV, RELAY_NODE_FLAGS, relayArgs, startRelayChild, stopChild, type RelayCommand } from "./relay-bench/relay-child";
import { startRedisServer, type RedisServer } from "../test/integration/relay/redis-server";
import { FakeBotApi, initDataFor, testUser } from "../test/support/fake-bot-api";

const ROOT = resolve(__dirname, "..");
const DEADLINE_MS = 180_000;
const GOAL_BYTES = 80 * MB;

interface Variant {
  readonly name: string;
  readonly command: RelayCommand;
  readonly env: Readonly<Record<string, string>>;
}

interface Options {
  readonly runs: number;
  readonly store: "sqlite" | "redis";
  readonly count: number;
  readonly sizeBytes: number;
  readonly variants: readonly Variant[];
}

function variant(name: string, bundle: string | undefined): Variant {
  const [runtime, ...mods] = name.split(/(?=[+-])/);
  if (runtime !== "bundle" && runtime !== "tsx") throw new Error(`unknown variant "${name}"`);
  let env: Record<string, string> = { ...RELAY_MALLOC_ENV };
  let flags: readonly string[] = RELAY_NODE_FLAGS;
  for (const mod of mods) {
    if (mod === "-malloc") env = {};
    else if (mod === "-flags") flags = [];
    else throw new Error(`unknown variant modifier "${mod}" in "${name}"`);
  }
  return { name: bundle === undefined ? name : `${name}@${bundle.split("/").at(-2) ?? bundle}`, command: { runtime, nodeFlags: flags, ...(bundle === undefined ? {} : { bundle }) }, env };
}

function parseArgs(argv: readonly string[]): Options {
  const bundle = argValue(argv, "--bundle");
  return {
    runs: boundedNumber(argv, "--runs", 1, 1, 20),
    store: choice(argv, "--store", ["sqlite", "redis"], "sqlite"),
    count: boundedNumber(argv, "--count", 50, 1, 200),
    sizeBytes: Math.round(boundedNumber(argv, "--size-mb", 19, 0.1, 19, true) * MB),
    variants: (argValue(argv, "--variants") ?? "bundle").split(",").map((name) => variant(name.trim(), bundle === undefined ? undefined : resolve(bundle))),
  };
}

interface Figures {
  readonly variant: string;
  readonly run: number;
  readonly cpu: number;
  readonly before: number;
  readonly during: number;
  /** RSS at the end of the 3 s after the last file. */
  readonly after: number;
  readonly hwm: number;
  readonly anon: number;
  readonly file: number;
  readonly buffersAfter: number;
  readonly seconds: number;
  readonly bytes: number;
}

async function measure(v: Variant, run: number, options: Options): Promise<Figures> {
  const api = await FakeBotApi.start();
  const dir = mkdtempSync(join(tmpdir(), "relay-memory-"));
  let redis: RedisServer | null = null;
  const debug = process.env.RELAY_MEMORY_DEBUG === "1";
  try {
    if (options.store === "redis") redis = await startRedisServer();
    const { child, url } = await startRelayChild(ROOT, await relayArgs(ROOT, "relay-memory", v.command), {
      ...v.env,
      ...benchRelayEnv(api, redis === null ? `sqlite:${join(dir, "relay.sqlite")}` : redis.url),
    }, { echo: debug });
    const pid = child.pid ?? 0;
    let phase: "before" | "during" | "after" = "before";
    const peaks = { before: 0, during: 0, after: 0 };
    const sampler = setInterval(() => {
      peaks[phase] = Math.max(peaks[phase], procMemory(pid)?.rss ?? 0);
    }, 20);
    const health = async (): Promise<unknown> => (await httpJson("GET", `${url}/healthz`, null)).json;
    const debugTimer = debug
      ? setInterval(() => {
          void health().then((m) => {
            const mb = (key: string): string => fmt(Number(field(m, key) ?? 0));
            process.stderr.write(`${phase} rss=${mb("rss")} heap=${mb("heapUsed")}/${mb("heapTotal")} ext=${mb("external")} ab=${mb("arrayBuffers")}\n`);
          }, () => undefined);
        }, 1000)
      : null;
    const deadline = setTimeout(() => {
      printError(`deadline of ${DEADLINE_MS / 1000} s passed; stopping`);
      child.kill("SIGKILL");
      void redis?.stop();
      process.exit(2);
    }, DEADLINE_MS);

    try {
      // Setup: sessions link, voice messages arrive, jobs are offered.
      const sessions: Array<{ token: string; userId: number }> = [];
      for (let i = 0; i < options.count; i += 1) {
        const user = testUser(10_000 + i);
        const linked = await httpJson("POST", `${url}/api/session/telegram`, null, { initData: initDataFor(api.token, user) });
        const token = field(linked.json, "token");
        if (typeof token !== "string") throw new Error(`linking failed: ${JSON.stringify(linked.json)}`);
        sessions.push({ token, userId: user.id });
        api.sendVoice({ from: user, size: options.sizeBytes, duration: 600 });
      }
      const jobIds = await Promise.all(
        sessions.map(async (session) => {
          for (let attempt = 0; attempt < 400; attempt += 1) {
            const jobs = field((await httpJson("GET", `${url}/api/jobs`, session.token)).json, "jobs");
            const id = Array.isArray(jobs) ? field(jobs[0], "id") : undefined;
            if (typeof id === "string") return id;
            await new Promise((r) => setTimeout(r, 50));
          }
          throw new Error("job never appeared");
        }),
      );
      await new Promise((r) => setTimeout(r, 1000));

      // During: every session claims and streams its file at once.
      phase = "during";
      const started = Date.now();
      const cpuBefore = cpuSeconds(pid);
      const sizes = await Promise.all(
        sessions.map(async (session, index) => {
          const jobId = jobIds[index] ?? "";
          const lease = field((await httpJson("POST", `${url}/api/jobs/${jobId}/claim`, session.token, {})).json, "lease");
          if (typeof lease !== "string") throw new Error(`claim of ${jobId} failed`);
          const bytes = await download(`${url}/api/jobs/${jobId}/audio?lease=${encodeURIComponent(lease)}`, session.token);
          const posted = await httpJson("POST", `${url}/api/jobs/${jobId}/result`, session.token, { lease, text: `transcript ${index}`, segments: [], language: "en" });
          if (posted.status !== 200) throw new Error(`result failed: ${JSON.stringify(posted.json)}`);
          return bytes;
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      const cpu = cpuSeconds(pid) - cpuBefore;
      if (sizes.some((n) => n !== options.sizeBytes)) throw new Error(`a session got the wrong size: ${sizes.join(", ")}`);

      // After: let it settle; no collection is forced.
      phase = "after";
      await new Promise((r) => setTimeout(r, 3000));
      const edits = api.succeeded("editMessageText").filter((call) => String(call.params.text).startsWith("transcript ")).length;
      if (edits !== options.count) throw new Error(`expected ${options.count} transcripts in the chat, saw ${edits}`);
      const split = rssSplit(pid);
      return {
        variant: v.name,
        run,
        cpu,
        ...peaks,
        after: procMemory(pid)?.rss ?? 0,
        hwm: procMemory(pid)?.hwm ?? 0,
        anon: split?.anon ?? 0,
        file: split?.file ?? 0,
        buffersAfter: Number(field(await health(), "arrayBuffers") ?? 0),
        seconds,
        bytes: sizes.reduce((sum, n) => sum + n, 0),
      };
    } finally {
      clearInterval(sampler);
      if (debugTimer !== null) clearInterval(debugTimer);
      clearTimeout(deadline);
      await stopChild(child);
    }
  } finally {
    await api.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const COLUMNS: ReadonlyArray<readonly [string, number]> = [
  ["variant", 24], ["run", 4], ["before", 9], ["during", 9], ["after", 9], ["VmHWM", 9], ["anon/file after", 17], ["buffers after", 14], ["time", 7], ["CPU", 7],
];

function row(cells: readonly string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(COLUMNS[0]?.[1] ?? 0) : cell.padStart(COLUMNS[i]?.[1] ?? 0))).join("");
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  print(`relay memory: ${options.count} concurrent voice files of ${fmt(options.sizeBytes)} each, ${options.store} store, ${options.runs} run(s) per variant, loopback only`);
  const results: Figures[] = [];
  print(row(COLUMNS.map(([name]) => name)));
  for (const v of options.variants) {
    for (let run = 1; run <= options.runs; run += 1) {
      const r = await measure(v, run, options);
      results.push(r);
      print(row([r.variant, String(r.run), fmt(r.before), fmt(r.during), fmt(r.after), fmt(r.hwm), `${fmt(r.anon)}/${(r.file / MB).toFixed(0)}`, fmt(r.buffersAfter), `${r.seconds.toFixed(1)} s`, `${r.cpu.toFixed(1)} s`]));
    }
  }
  print("(before/during: peak RSS of the relay in each phase, sampled every 20 ms; after: its RSS 3 s after the last file; VmHWM: its peak RSS overall, from the kernel;");
  print(" anon/file: its own memory and mapped files (mostly the node binary) at the end; buffers after: process.memoryUsage().arrayBuffers then; CPU: relay user+system seconds while streaming)");
  for (const v of options.variants) {
    const runs = results.filter((r) => r.variant === v.name);
    const peak = Math.max(...runs.map((r) => Math.max(r.before, r.during, r.hwm)));
    const after = Math.max(...runs.map((r) => r.after));
    const over = runs.filter((r) => Math.max(r.before, r.during, r.hwm) > GOAL_BYTES || r.after > GOAL_BYTES).length;
    print(`${v.name}: worst peak ${fmt(peak)}, worst after ${fmt(after)}; ${over === 0 ? `every run within` : `${over} of ${runs.length} run(s) OVER`} the 80 MB goal`);
  }
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});

/**
 * Memory check for the relay (not a timed test): streams COUNT voice files of SIZE_MB each,
 * concurrently, from the stand-in Bot API through a relay child process to simulated browser
 * sessions, and prints the relay's RSS before, during (peak) and after. Goal: under 80 MB
 * throughout, i.e. memory does not grow with the audio.
 *
 *   node --import tsx scripts/relay-memory.ts [--count 50] [--size-mb 19] [--variants bundle+malloc,bundle,tsx+malloc,tsx]
 *
 * Variants: `bundle` runs the relay bundled by esbuild with plain node (how a deployment would
 * run it, no loader in the process); `tsx` runs `node --import tsx relay/main.ts` as the dev start
 * command does (the tsx loader thread alone adds ~35 MB). `+malloc` sets MALLOC_ARENA_MAX=1 and
 * MALLOC_TRIM_THRESHOLD_=0 so glibc hands freed 64 KB read buffers back to the system instead of
 * keeping them in its arenas; `-nogc` sets RELAY_GC_EVERY_BYTES=0 (no memory governor).
 * Everything stays on 127.0.0.1; the run is bounded by --count ≤ 200, --size-mb ≤ 19 and a 180 s
 * deadline per variant. Sessions pause reading for half a second mid-file, so the relay has to
 * respect backpressure rather than buffer. RELAY_MEMORY_DEBUG=1 also prints the relay's log and its
 * heap and buffer figures once a second.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { get, request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleRelay, cpuSeconds, fmt, MB, print, printError, procMemory } from "./relay-script-support";
import { FakeBotApi, initDataFor, testUser } from "../test/support/fake-bot-api";

const ROOT = resolve(__dirname, "..");
const DEADLINE_MS = 180_000;
const GOAL_BYTES = 80 * MB;

/** glibc settings that hand freed read buffers back to the system (see relay/README.md). */
const MALLOC_TUNING: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "1", MALLOC_TRIM_THRESHOLD_: "0" };

interface Variant {
  readonly name: string;
  readonly runtime: "bundle" | "tsx";
  readonly env: Readonly<Record<string, string>>;
}

interface Options {
  readonly count: number;
  readonly sizeBytes: number;
  readonly variants: readonly Variant[];
}

function variant(name: string): Variant {
  const [runtime, ...mods] = name.split(/(?=[+-])/);
  if (runtime !== "bundle" && runtime !== "tsx") throw new Error(`unknown variant "${name}"`);
  const env: Record<string, string> = {};
  for (const mod of mods) {
    if (mod === "+malloc") Object.assign(env, MALLOC_TUNING);
    else if (mod === "-nogc") env.RELAY_GC_EVERY_BYTES = "0";
    else throw new Error(`unknown variant modifier "${mod}" in "${name}"`);
  }
  return { name, runtime, env };
}

function parseArgs(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index === -1 ? undefined : argv[index + 1];
  };
  const count = Math.min(200, Math.max(1, Number(value("--count") ?? 50)));
  const sizeMb = Math.min(19, Math.max(0.1, Number(value("--size-mb") ?? 19)));
  const variants = (value("--variants") ?? "bundle+malloc,bundle,tsx+malloc,tsx").split(",").map((name) => variant(name.trim()));
  if (!Number.isFinite(count) || !Number.isFinite(sizeMb)) throw new Error("--count and --size-mb must be numbers");
  return { count: Math.round(count), sizeBytes: Math.round(sizeMb * MB), variants };
}

function httpJson(method: string, url: string, token: string | null, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolvePromise, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(text === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(text) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = raw.length === 0 ? null : JSON.parse(raw);
          } catch {
            json = raw;
          }
          resolvePromise({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

/** Downloads the audio, pausing once mid-way; resolves with the byte count. */
function download(url: string, token: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`audio answered ${res.statusCode}`));
        return;
      }
      let bytes = 0;
      let paused = false;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (!paused && bytes > MB) {
          paused = true;
          res.pause();
          setTimeout(() => res.resume(), 500);
        }
      });
      res.on("end", () => resolvePromise(bytes));
      res.on("error", reject);
    }).on("error", reject);
  });
}

function startRelay(args: readonly string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        // Keep draining the pipes so the child never blocks on logging.
        if (process.env.RELAY_MEMORY_DEBUG === "1") {
          child.stdout?.pipe(process.stderr);
          child.stderr?.pipe(process.stderr);
        } else {
          child.stdout?.resume();
          child.stderr?.resume();
        }
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

interface Figures {
  readonly variant: string;
  readonly cpu: number;
  readonly before: number;
  readonly during: number;
  readonly after: number;
  readonly hwm: number;
  readonly seconds: number;
  readonly bytes: number;
}

async function measure(variant: Variant, options: Options): Promise<Figures> {
  const api = await FakeBotApi.start();
  const dir = mkdtempSync(join(tmpdir(), "relay-memory-"));
  const args = variant.runtime === "bundle" ? [await bundleRelay(ROOT, "relay-memory")] : ["--import", "tsx", "relay/main.ts"];
  const { child, url } = await startRelay(args, {
    ...variant.env,
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.url,
    RELAY_HOST: "127.0.0.1",
    RELAY_PORT: "0",
    RELAY_STORE: `sqlite:${join(dir, "relay.sqlite")}`,
    RELAY_JOBS_PER_MIN: "100000",
    RELAY_REQUESTS_PER_MIN: "1000000",
    RELAY_LINKS_PER_MIN: "1000000",
    LOG_LEVEL: "info",
  });
  const pid = child.pid ?? 0;
  const rssNow = async (): Promise<number> => {
    const proc = procMemory(pid);
    if (proc !== null) return proc.rss;
    const health = await httpJson("GET", `${url}/healthz`, null);
    return Number(field(health.json, "rss") ?? 0);
  };
  let phase: "before" | "during" | "after" = "before";
  const peaks = { before: 0, during: 0, after: 0 };
  if (process.env.RELAY_MEMORY_DEBUG === "1") {
    const debug = setInterval(() => {
      void httpJson("GET", `${url}/healthz`, null).catch(() => ({ status: 0, json: null })).then((h) => {
        const m = h.json;
        process.stderr.write(`${phase} rss=${fmt(Number(field(m, "rss")))} heap=${fmt(Number(field(m, "heapUsed")))} ext=${fmt(Number(field(m, "external") ?? 0))} ab=${fmt(Number(field(m, "arrayBuffers") ?? 0))}\n`);
      });
    }, 1000);
    child.once("exit", () => clearInterval(debug));
  }
  const sampler = setInterval(() => {
    void rssNow().then((rss) => {
      peaks[phase] = Math.max(peaks[phase], rss);
    });
  }, 20);
  const deadline = setTimeout(() => {
    printError(`deadline of ${DEADLINE_MS / 1000} s passed; stopping`);
    child.kill("SIGKILL");
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
          const list = await httpJson("GET", `${url}/api/jobs`, session.token);
          const jobs = field(list.json, "jobs");
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
        const claim = await httpJson("POST", `${url}/api/jobs/${jobId}/claim`, session.token, {});
        const lease = field(claim.json, "lease");
        if (typeof lease !== "string") throw new Error(`claim failed: ${JSON.stringify(claim.json)}`);
        const bytes = await download(`${url}/api/jobs/${jobId}/audio?lease=${encodeURIComponent(lease)}`, session.token);
        const posted = await httpJson("POST", `${url}/api/jobs/${jobId}/result`, session.token, { lease, text: `transcript ${index}`, segments: [], language: "en" });
        if (posted.status !== 200) throw new Error(`result failed: ${JSON.stringify(posted.json)}`);
        return bytes;
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const bytes = sizes.reduce((sum, n) => sum + n, 0);
    if (sizes.some((n) => n !== options.sizeBytes)) throw new Error(`a session got the wrong size: ${sizes.join(", ")}`);

    // After: let it settle.
    phase = "after";
    await new Promise((r) => setTimeout(r, 3000));
    const edits = api.succeeded("editMessageText").filter((call) => String(call.params.text).startsWith("transcript ")).length;
    if (edits !== options.count) throw new Error(`expected ${options.count} transcripts in the chat, saw ${edits}`);
    const hwm = procMemory(pid)?.hwm ?? Math.max(peaks.before, peaks.during, peaks.after);
    return { variant: variant.name, cpu, ...peaks, hwm, seconds, bytes };
  } finally {
    clearInterval(sampler);
    clearTimeout(deadline);
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  print(`relay memory: ${options.count} concurrent voice files of ${fmt(options.sizeBytes)} each, ${options.count} simulated sessions, loopback only`);
  const results: Figures[] = [];
  for (const v of options.variants) results.push(await measure(v, options));
  print("");
  print(["variant".padEnd(16), "before".padStart(10), "during".padStart(10), "after".padStart(10), "VmHWM".padStart(10), "streamed".padStart(12), "time".padStart(8), "relay CPU".padStart(11)].join(""));
  for (const r of results) {
    print(
      [
        r.variant.padEnd(16),
        fmt(r.before).padStart(10),
        fmt(r.during).padStart(10),
        fmt(r.after).padStart(10),
        fmt(r.hwm).padStart(10),
        fmt(r.bytes).padStart(12),
        `${r.seconds.toFixed(1)} s`.padStart(8),
        `${r.cpu.toFixed(1)} s`.padStart(11),
      ].join(""),
    );
  }
  print("(before/during/after: peak RSS of the relay process in each phase, sampled every 20 ms; VmHWM: its peak RSS overall, from the kernel)");
  for (const r of results) {
    const worst = Math.max(r.before, r.during, r.after, r.hwm);
    print(`${r.variant}: ${worst < GOAL_BYTES ? "under" : "OVER"} the 80 MB goal (peak ${fmt(worst)}); growth during streaming ${fmt(r.during - r.before)}`);
  }
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});

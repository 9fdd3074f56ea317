/**
 * Store micro-benchmark (not a timed test): the store work of a job's life, straight on the store
 * objects the relay uses, with no HTTP, bot or load generator in the process, so the store's own
 * cost can be compared with the full loop (scripts/relay-load.ts). Per job, as JobService does it:
 *
 *   submit     findJobByMessage + getChatSettings + insertJob + activateJob
 *   notify     appendEvent ×3 (job offered, claimed, gone: the event log a reconnecting tab replays)
 *   claim      claimJob
 *   heartbeat  renewLease
 *   result     finishJob
 *   deliver    getJob + lockDelivery + markDelivered
 *
 * Each phase runs for every job before the next starts, with --concurrency calls in flight (SQLite
 * is synchronous, so there it is always one). Prints ops/s and jobs/s per phase, jobs/s for notify +
 * claim + result (the issue's 500 jobs/s goal) and for the whole life, and the CPU of this process
 * and of redis-server. Variants:
 *   sqlite              as shipped: a file, WAL, synchronous=NORMAL, 2 MB page cache, statements prepared once
 *   sqlite-cache16      as shipped but with better-sqlite3's 16 MB page cache (the relay's before)
 *   sqlite-full         WAL, synchronous=FULL (an fsync per commit)
 *   sqlite-delete       journal_mode=DELETE, synchronous=FULL (SQLite's own defaults)
 *   sqlite-batch        as shipped, but each phase's calls grouped 50 to a transaction
 *   redis               redis-server without persistence (as the tests run it)
 *   redis-aof           redis-server with appendonly yes, appendfsync always
 *
 *   node --import tsx scripts/relay-store-bench.ts [--jobs 5000] [--concurrency 32] [--variants sqlite,redis,…]
 *
 * Bounded: --jobs ≤ 50000, loopback only, temporary files removed.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { cpuSeconds, print, printError } from "./relay-script-support";
import { argValue, boundedNumber } from "./relay-bench/options";
import Database from "better-sqlite3";
import { SqliteStore } from "../relay/sqlite/sqlite-store";
import { openRedisStore } from "../relay/redis/redis-store";
import type { NewJob, RelayStore } from "../relay/ports/relay-store";
import { startRedisServer, type RedisServer } from "../test/integration/relay/redis-server";

const VARIANTS = ["sqlite", "sqlite-cache16", "sqlite-full", "sqlite-delete", "sqlite-batch", "redis", "redis-aof"] as const;
type VariantName = (typeof VARIANTS)[number];
const PHASES = ["submit", "notify", "claim", "heartbeat", "result", "deliver"] as const;
type Phase = (typeof PHASES)[number];
/** Store calls per job in each phase. */
const CALLS: Readonly<Record<Phase, number>> = { submit: 4, notify: 3, claim: 1, heartbeat: 1, result: 1, deliver: 3 };
const BATCH = 50;

interface Bench {
  readonly store: RelayStore;
  /** Runs `calls` (already started) inside transactions of {@link BATCH} when the variant batches. */
  readonly batch: ((run: () => Promise<void>) => Promise<void>) | null;
  readonly redis: RedisServer | null;
  close(): Promise<void>;
}

function isVariant(name: string): name is VariantName {
  return VARIANTS.some((v) => v === name);
}

async function open(variant: VariantName): Promise<Bench> {
  if (variant === "redis" || variant === "redis-aof") {
    const redis = await startRedisServer({ persistent: variant === "redis-aof" });
    const store = await openRedisStore(redis.url, "bench:", "bench");
    return { store, batch: null, redis, close: async () => (await store.close(), await redis.stop()) };
  }
  const dir = mkdtempSync(join(tmpdir(), "relay-store-bench-"));
  // The store on a connection of our own, for the pragmas and transactions of the variants.
  const db = new Database(join(dir, "relay.sqlite"));
  const store = new SqliteStore(db);
  const exec = (sql: string): void => void db.exec(sql);
  if (variant === "sqlite-cache16") exec("PRAGMA cache_size = -16000");
  if (variant === "sqlite-full") exec("PRAGMA synchronous = FULL");
  if (variant === "sqlite-delete") exec("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL");
  const batch =
    variant === "sqlite-batch"
      ? async (run: () => Promise<void>): Promise<void> => {
          exec("BEGIN");
          try {
            await run();
            exec("COMMIT");
          } catch (error) {
            exec("ROLLBACK");
            throw error;
          }
        }
      : null;
  return { store, batch, redis: null, close: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
}

function newJob(i: number, now: number): NewJob {
  return {
    id: randomUUID(),
    ownerId: 1000 + (i % 200),
    chatId: 1000 + (i % 200),
    sourceMessageId: i + 1,
    media: { fileId: `file-${i}`, fileUniqueId: `u-${i}`, kind: "voice", duration: 7, mime: "audio/ogg", size: 16_384, fileName: null },
    languageHint: null,
    createdAt: now,
    expiresAt: now + 3_600_000,
  };
}

interface PhaseFigure {
  readonly phase: Phase;
  readonly seconds: number;
}

interface Result {
  readonly variant: VariantName;
  readonly jobs: number;
  readonly phases: readonly PhaseFigure[];
  readonly cpu: number;
  readonly redisCpu: number;
}

async function measure(variant: VariantName, jobs: number, concurrency: number): Promise<Result> {
  const bench = await open(variant);
  const { store } = bench;
  const now = Date.now();
  const input = Array.from({ length: jobs }, (_, i) => newJob(i, now));
  const leases = new Map<string, string>();
  const steps: Readonly<Record<Phase, (job: NewJob) => Promise<void>>> = {
    submit: async (job) => {
      await store.findJobByMessage(job.chatId, job.sourceMessageId);
      await store.getChatSettings(job.chatId);
      await store.insertJob(job);
      await store.activateJob(job.id, job.sourceMessageId + 1, "waiting");
    },
    notify: async (job) => {
      for (const name of ["job", "job", "job-gone"]) await store.appendEvent(job.ownerId, name, `{"id":"${job.id}","state":"pending"}`, now);
    },
    claim: async (job) => {
      const token = randomUUID();
      const outcome = await store.claimJob(job.id, job.ownerId, { token, sessionId: "s", expiresAt: now + 60_000 }, now);
      if (outcome.kind !== "claimed") throw new Error(`claim of ${job.id}: ${outcome.kind}`);
      leases.set(job.id, token);
    },
    heartbeat: async (job) => {
      if ((await store.renewLease(job.id, job.ownerId, leases.get(job.id) ?? "", now + 90_000)) === null) throw new Error("heartbeat lost the lease");
    },
    result: async (job) => {
      const outcome = await store.finishJob(job.id, job.ownerId, leases.get(job.id) ?? "", { kind: "done", result: { text: "t", segments: [], language: "en" } }, now);
      if (outcome.kind !== "finished") throw new Error(`result of ${job.id}: ${outcome.kind}`);
    },
    deliver: async (job) => {
      await store.getJob(job.id);
      if ((await store.lockDelivery(job.id, now, now + 30_000)) === null) throw new Error(`delivery of ${job.id} not due`);
      await store.markDelivered(job.id);
    },
  };
  const cpuBefore = process.cpuUsage();
  const redisBefore = cpuSeconds(bench.redis?.pid() ?? 0);
  const phases: PhaseFigure[] = [];
  try {
    for (const phase of PHASES) {
      const step = steps[phase];
      const t0 = performance.now();
      if (bench.batch !== null) {
        for (let at = 0; at < jobs; at += BATCH) {
          await bench.batch(async () => {
            for (const job of input.slice(at, at + BATCH)) await step(job);
          });
        }
      } else {
        let next = 0;
        const width = variant.startsWith("redis") ? concurrency : 1;
        await Promise.all(
          Array.from({ length: width }, async () => {
            for (let i = next++; i < jobs; i = next++) await step(input[i] ?? input[0] ?? newJob(0, now));
          }),
        );
      }
      phases.push({ phase, seconds: (performance.now() - t0) / 1000 });
    }
    const cpu = process.cpuUsage(cpuBefore);
    return { variant, jobs, phases, cpu: (cpu.user + cpu.system) / 1e6, redisCpu: bench.redis === null ? 0 : cpuSeconds(bench.redis.pid()) - redisBefore };
  } finally {
    await bench.close();
  }
}

function report(results: readonly Result[], concurrency: number): void {
  print("");
  print(["variant".padEnd(15), ...PHASES.map((p) => p.padStart(16)), "N+C+R jobs/s".padStart(14), "all jobs/s".padStart(12), "CPU".padStart(14)].join(""));
  print(["".padEnd(15), ...PHASES.map(() => "ops/s (jobs/s)".padStart(16))].join(""));
  for (const r of results) {
    const time = (phase: Phase): number => r.phases.find((p) => p.phase === phase)?.seconds ?? 0;
    const ncr = r.jobs / (time("notify") + time("claim") + time("result"));
    const all = r.jobs / r.phases.reduce((sum, p) => sum + p.seconds, 0);
    const cells = PHASES.map((phase) => `${((r.jobs * CALLS[phase]) / time(phase)).toFixed(0)} (${(r.jobs / time(phase)).toFixed(0)})`.padStart(16));
    const cpu = r.redisCpu > 0 ? `${r.cpu.toFixed(1)}+${r.redisCpu.toFixed(1)} s` : `${r.cpu.toFixed(1)} s`;
    print([r.variant.padEnd(15), ...cells, ncr.toFixed(0).padStart(14), all.toFixed(0).padStart(12), cpu.padStart(14)].join(""));
  }
  print(`(ops/s: store calls per second in that phase; jobs/s: jobs through it per second; N+C+R: notify + claim + result, the 500 jobs/s goal;`);
  print(` all: the whole life; CPU: this process (+ redis-server), user+system; Redis with ${concurrency} calls in flight, SQLite one at a time)`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const jobs = boundedNumber(argv, "--jobs", 5000, 10, 50_000);
  const concurrency = boundedNumber(argv, "--concurrency", 32, 1, 256);
  const names = (argValue(argv, "--variants") ?? VARIANTS.join(",")).split(",").map((name) => name.trim());
  const variants = names.map((name) => {
    if (!isVariant(name)) throw new Error(`unknown variant "${name}" (use ${VARIANTS.join(", ")})`);
    return name;
  });
  print(`relay store micro-benchmark: ${jobs} jobs per variant, ${cpus().length} CPU(s), loopback only`);
  const results: Result[] = [];
  for (const variant of variants) {
    results.push(await measure(variant, jobs, concurrency));
    const last = results.at(-1);
    if (last !== undefined) print(`  ${variant}: ${(last.jobs / last.phases.reduce((sum, p) => sum + p.seconds, 0)).toFixed(0)} jobs/s over the whole life`);
  }
  report(results, concurrency);
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});

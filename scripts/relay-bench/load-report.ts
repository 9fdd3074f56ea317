/** The tables scripts/relay-load.ts prints, and the line that names what limited throughput. */
import { fmt, print } from "../relay-script-support";
import type { Latencies } from "./load-session";

/** One relay's figures during the measured jobs. */
export interface RelayFigures {
  readonly peakRss: number;
  readonly hwm: number;
  readonly cpu: number;
  readonly requests: number;
  readonly heapAfter: number;
}

/** One variant's figures. */
export interface LoadFigures {
  readonly variant: string;
  readonly jobs: number;
  /** Sessions, one per user and private chat: the relay paces each chat at one message a second. */
  readonly users: number;
  /** Chat messages sent or edited per measured job (each one paced). */
  readonly messagesPerJob: number;
  readonly seconds: number;
  readonly perRelay: readonly RelayFigures[];
  readonly redisCpu: number;
  readonly redisPeakRss: number;
  /** CPU of this process: the stand-in Bot API, the balancer and every session. */
  readonly driverCpu: number;
  readonly latencies: Latencies;
}

function percentiles(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0).toFixed(0);
  return `${at(0.5)} / ${at(0.95)}`;
}

const pct = (cpu: number, seconds: number): string => `${((cpu / seconds) * 100).toFixed(0)} %`;

/** Which process was busiest, as a share of one core, and whether the machine's cores were all in use. */
export function limitLine(r: LoadFigures, cores: number): string {
  const parts = [
    ...r.perRelay.map((relay, i) => ({ name: `relay #${i + 1}`, share: relay.cpu / r.seconds })),
    { name: "load generator", share: r.driverCpu / r.seconds },
    ...(r.redisCpu > 0 ? [{ name: "redis-server", share: r.redisCpu / r.seconds }] : []),
  ].sort((a, b) => b.share - a.share);
  const total = parts.reduce((sum, p) => sum + p.share, 0);
  const top = parts[0];
  if (top === undefined) return "";
  const paced = r.users / Math.max(1, r.messagesPerJob);
  if (r.jobs / r.seconds >= 0.8 * paced) {
    return `${r.variant}: the chat pacing is the limit (one message a second per private chat, ${r.messagesPerJob.toFixed(1)} per job, ${r.users} users: ${paced.toFixed(0)} jobs/s at most); busiest: ${top.name} at ${(top.share * 100).toFixed(0)} % of one core`;
  }
  const saturated = top.share >= 0.85 ? `${top.name} is at ${(top.share * 100).toFixed(0)} % of one core: its event loop is the limit` : `no single process is at a full core (busiest: ${top.name}, ${(top.share * 100).toFixed(0)} %)`;
  return `${r.variant}: ${saturated}; all measured processes together used ${(total * 100).toFixed(0)} % of ${cores * 100} %`;
}

/** Prints every variant's throughput, memory, CPU (also as a share of one core) and latencies. */
export function printLoadReport(results: readonly LoadFigures[], cores: number): void {
  print("");
  print(["variant".padEnd(10), "jobs/s".padStart(8), "time".padStart(8), "process".padStart(16), "peak RSS".padStart(10), "VmHWM".padStart(10), "heap after".padStart(12), "CPU".padStart(8), "of a core".padStart(11), "requests".padStart(10)].join(""));
  for (const r of results) {
    r.perRelay.forEach((relay, i) => {
      print(
        [
          (i === 0 ? r.variant : "").padEnd(10),
          (i === 0 ? (r.jobs / r.seconds).toFixed(0) : "").padStart(8),
          (i === 0 ? `${r.seconds.toFixed(1)} s` : "").padStart(8),
          `relay #${i + 1}`.padStart(16),
          fmt(relay.peakRss).padStart(10),
          fmt(relay.hwm).padStart(10),
          fmt(relay.heapAfter).padStart(12),
          `${relay.cpu.toFixed(1)} s`.padStart(8),
          pct(relay.cpu, r.seconds).padStart(11),
          String(relay.requests).padStart(10),
        ].join(""),
      );
    });
    if (r.redisCpu > 0) print(`${"".padEnd(26)}${"redis-server".padStart(16)}${fmt(r.redisPeakRss).padStart(10)}${"".padStart(22)}${`${r.redisCpu.toFixed(1)} s`.padStart(8)}${pct(r.redisCpu, r.seconds).padStart(11)}`);
    print(`${"".padEnd(26)}${"load generator".padStart(16)}${"".padStart(32)}${`${r.driverCpu.toFixed(1)} s`.padStart(8)}${pct(r.driverCpu, r.seconds).padStart(11)}`);
  }
  print("");
  print(["variant".padEnd(10), "claim p50/p95".padStart(18), "audio p50/p95".padStart(18), "result p50/p95".padStart(18), "relay CPU/job".padStart(15), "generator CPU/job".padStart(19)].join(""));
  for (const r of results) {
    const cpu = r.perRelay.reduce((sum, relay) => sum + relay.cpu, 0) + r.redisCpu;
    print(
      [
        r.variant.padEnd(10),
        percentiles(r.latencies.claim).padStart(18),
        percentiles(r.latencies.audio).padStart(18),
        percentiles(r.latencies.result).padStart(18),
        `${((cpu / r.jobs) * 1000).toFixed(1)} ms`.padStart(15),
        `${((r.driverCpu / r.jobs) * 1000).toFixed(1)} ms`.padStart(19),
      ].join(""),
    );
  }
  print("(session request latencies through the balancer, in ms; relay CPU/job: CPU of all relays and Redis per measured job; generator CPU/job: this process' CPU per job)");
  print("(peak RSS: sampled every 20 ms during the measured jobs; VmHWM: the process' peak RSS since it started; heap after: V8 heap in use half a second after the last job;");
  print(" CPU: user+system seconds during the measured jobs, and as a share of one core over that time; load generator: this process (stand-in Bot API, balancer, sessions), from process.cpuUsage())");
  print("");
  for (const r of results) print(limitLine(r, cores));
}

/**
 * What the relay scripts (relay-load, relay-memory, relay-store-bench, relay-soak) share: their
 * report output, /proc readings of the relay processes they start (Linux), and the esbuild bundle
 * of the relay they measure. The rest of what they share is in scripts/relay-bench/.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

export { cpuSeconds } from "./bench/proc-memory";

export const MB = 1024 * 1024;

/** The report is the scripts' output, so it goes straight to stdout. */
export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printError(error: unknown): void {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}

export function fmt(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** RSS and peak RSS of a process from /proc (Linux); null when unreadable. */
export function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return rss === undefined || hwm === undefined ? null : { rss: Number(rss) * 1024, hwm: Number(hwm) * 1024 };
  } catch {
    return null;
  }
}

/**
 * Resident memory split by kind (Linux): `anon` is the process' own (heaps, buffers); `file` is
 * mapped files, mostly the node binary's code, shared with every other node process. Null when unreadable.
 */
export function rssSplit(pid: number): { anon: number; file: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const anon = /RssAnon:\s+(\d+) kB/.exec(status)?.[1];
    const file = /RssFile:\s+(\d+) kB/.exec(status)?.[1];
    return anon === undefined || file === undefined ? null : { anon: Number(anon) * 1024, file: Number(file) * 1024 };
  } catch {
    return null;
  }
}

/** Least-squares slope of y over x (0 with fewer than two points). */
export function slope(points: ReadonlyArray<{ readonly x: number; readonly y: number }>): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const my = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const sxx = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/**
 * Bundles relay/main.ts into `<root>/.cache/<folder>/relay.cjs` with scripts/bundle-relay.mjs, the
 * build `npm start` and the container run (a .mjs file, so run rather than imported).
 */
export async function bundleRelay(root: string, folder: string): Promise<string> {
  const outfile = join(root, ".cache", folder, "relay.cjs");
  await promisify(execFile)(process.execPath, [join(root, "scripts", "bundle-relay.mjs"), outfile], { cwd: root });
  return outfile;
}

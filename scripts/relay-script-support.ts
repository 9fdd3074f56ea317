/**
 * What scripts/relay-load.ts and scripts/relay-memory.ts share: their report output, /proc readings
 * of the relay processes they start (Linux), and the esbuild bundle of the relay they measure.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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

/** Bundles relay/main.ts with esbuild into `<root>/.cache/<folder>/relay.cjs`, as `npm start` runs it. */
export async function bundleRelay(root: string, folder: string): Promise<string> {
  const esbuild = await import("esbuild");
  const outDir = join(root, ".cache", folder);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, "relay.cjs");
  await esbuild.build({
    entryPoints: [join(root, "relay", "main.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

/**
 * The Node side of the benchmark: scripts/bench/node-run.ts bundled once with esbuild (so the
 * measured process holds no TypeScript loader), then started once per run, so each run's peak RSS
 * and model load are its own.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { NodeRunResult } from "./node-run";

/** Bundles node-run.ts into `outFile` (packages stay external and resolve from the repository). */
export function bundleNodeRunner(root: string, outFile: string): void {
  mkdirSync(dirname(outFile), { recursive: true });
  const result = spawnSync(
    join(root, "node_modules", ".bin", "esbuild"),
    [join(root, "scripts", "bench", "node-run.ts"), "--bundle", "--platform=node", "--format=esm", "--packages=external", `--outfile=${outFile}`, "--log-level=warning"],
    { cwd: root, stdio: "inherit" },
  );
  if (result.status !== 0) throw new Error(`esbuild failed to bundle scripts/bench/node-run.ts (exit ${String(result.status)})`);
}

/** Where a Node run loads its model from: a local folder, or a (stand-in) Hub with a file cache. */
export type NodeModels = { readonly modelsDir: string } | { readonly hub: string; readonly cacheDir: string };

/** Runs one transcription in a fresh Node process (`model`: a folder name, or a Hub repo with `hub`). */
export function nodeRun(runner: string, models: NodeModels, model: string, audioPath: string, timeoutMs: number): Promise<NodeRunResult> {
  return new Promise((resolve, reject) => {
    const source = "hub" in models ? ["--hub", models.hub, "--cache-dir", models.cacheDir] : ["--models-dir", models.modelsDir];
    const child = spawn(process.execPath, [runner, ...source, "--model", model, "--audio", audioPath], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((text) => text.startsWith("BENCH_RESULT "));
      if (code !== 0 || line === undefined) {
        reject(new Error(`node run of ${model} on ${audioPath} failed (${signal ?? `exit ${String(code)}`}):\n${stderr.trim()}`));
        return;
      }
      resolve(JSON.parse(line.slice("BENCH_RESULT ".length)) as NodeRunResult);
    });
  });
}

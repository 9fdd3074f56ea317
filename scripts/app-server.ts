/**
 * A production build of the app for the benchmark and the accuracy evaluation, in its own dist
 * folder so it does not disturb other builds of the same checkout, served by `next start` (the server
 * process itself, stopped by its PID) with WHISPER_MODELS_DIR pointing at the models to measure, or
 * with HF_ENDPOINT pointing at a (stand-in) Hub.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const NEXT_BIN = ["node_modules", "next", "dist", "bin", "next"];
const ORT_FILES = ["ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

/**
 * `next build` into `distDir`. Next may add `<distDir>/types` to tsconfig.json's include list; the
 * file is put back exactly as it was.
 */
export function buildApp(root: string, distDir: string, log: (line: string) => void): void {
  if (ORT_FILES.some((file) => !existsSync(join(root, "public", "ort", file)))) {
    const copy = spawnSync(process.execPath, [join(root, "scripts", "copy-ort.mjs")], { cwd: root, stdio: "inherit" });
    if (copy.status !== 0) throw new Error("scripts/copy-ort.mjs failed");
  }
  const tsconfig = join(root, "tsconfig.json");
  const before = readFileSync(tsconfig, "utf8");
  log(`building the app into ${distDir} (next build; a few minutes on 2 cores)`);
  try {
    const result = spawnSync(process.execPath, [join(root, ...NEXT_BIN), "build"], {
      cwd: root,
      env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    if (result.status !== 0) throw new Error(`next build failed (exit ${String(result.status)}):\n${(result.stdout + result.stderr).trim()}`);
  } finally {
    if (readFileSync(tsconfig, "utf8") !== before) writeFileSync(tsconfig, before);
  }
}

/** A running `next start`. */
export interface AppServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Where the app's models come from: a self-hosted folder, or the Hub at an endpoint (a mirror, a stand-in). */
export type AppModels = string | { readonly hubEndpoint: string };

/** Starts `next start` on 127.0.0.1:`port` and waits until it answers. */
export async function startApp(root: string, distDir: string, models: AppModels, port: number): Promise<AppServer> {
  if (!existsSync(join(root, distDir, "BUILD_ID"))) throw new Error(`${distDir} holds no build; run without --skip-build`);
  const url = `http://127.0.0.1:${port}`;
  const busy = await fetch(`${url}/`).then(
    () => true,
    () => false,
  );
  if (busy) throw new Error(`port ${port} is already in use; pick another with --port`);
  const { WHISPER_MODELS_DIR: _dir, HF_ENDPOINT: _endpoint, ...inherited } = process.env;
  const source = typeof models === "string" ? { WHISPER_MODELS_DIR: models } : { HF_ENDPOINT: models.hubEndpoint };
  const child = spawn(process.execPath, [join(root, ...NEXT_BIN), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...inherited, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1", ...source },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: string): void => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.setEncoding("utf8").on("data", collect);
  child.stderr.setEncoding("utf8").on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error("next start did not start");
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(pid, "SIGTERM");
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer on ${url} within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { url, pid, stop };
}

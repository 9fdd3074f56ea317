/**
 * Starting and stopping the relay child processes that the relay scripts measure: bundled with
 * esbuild and run by plain node with the flags and allocator settings `npm start` and the container
 * use (scripts/run-together.mjs), or under the tsx loader as the dev command runs it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { bundleRelay } from "../relay-script-support";

/** Same as RELAY_NODE_FLAGS in scripts/run-together.mjs (a .mjs file TypeScript does not import). */
export const RELAY_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=2"];

/** Same as RELAY_MALLOC_ENV in scripts/run-together.mjs. */
export const RELAY_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "1", MALLOC_TRIM_THRESHOLD_: "0" };

/** How to run the relay. */
export interface RelayCommand {
  readonly runtime: "bundle" | "tsx";
  /** Node flags before the script (`RELAY_NODE_FLAGS` for deployments). */
  readonly nodeFlags: readonly string[];
  /** A prebuilt bundle to run instead of bundling relay/main.ts (e.g. an older commit's). */
  readonly bundle?: string;
}

/** The node arguments that run the relay as `command` says; bundles into `.cache/<folder>` when needed. */
export async function relayArgs(root: string, folder: string, command: RelayCommand): Promise<string[]> {
  if (command.runtime === "tsx") return [...command.nodeFlags, "--import", "tsx", "relay/main.ts"];
  return [...command.nodeFlags, command.bundle ?? (await bundleRelay(root, folder))];
}

/**
 * The environment every relay a script starts shares: the stand-in Bot API, loopback on a free
 * port, `store` (a `sqlite:<file>` or a Redis URL), rate limits out of the way, info logging.
 */
export function benchRelayEnv(api: { readonly token: string; readonly url: string }, store: string): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.url,
    RELAY_HOST: "127.0.0.1",
    RELAY_PORT: "0",
    RELAY_STORE: store,
    RELAY_JOBS_PER_MIN: "100000",
    RELAY_REQUESTS_PER_MIN: "1000000",
    RELAY_LINKS_PER_MIN: "1000000",
    LOG_LEVEL: "info",
  };
}

/** A started relay. */
export interface RelayChild {
  readonly child: ChildProcess;
  readonly url: string;
}

/**
 * Starts a relay and resolves with its URL once it logs "listening on". Its output goes to
 * `logFile` when given (warnings also to stderr), to stderr when `echo`, else is drained.
 */
export function startRelayChild(root: string, args: readonly string[], env: Record<string, string>, output: { logFile?: string; echo?: boolean } = {}): Promise<RelayChild> {
  const child = spawn(process.execPath, [...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let seen = "";
  if (output.logFile !== undefined) {
    const log = createWriteStream(output.logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`relay did not start:\n${seen}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString("utf8");
      const url = /listening on (http:\/\/\S+)/.exec(seen)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      // Keep draining the pipes so the child never blocks on logging.
      if (output.logFile !== undefined) {
        child.stderr?.on("data", (more: Buffer) => process.stderr.write(more));
      } else if (output.echo === true) {
        child.stdout?.pipe(process.stderr);
        child.stderr?.pipe(process.stderr);
      } else {
        child.stdout?.resume();
        child.stderr?.resume();
      }
      resolve({ child, url });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${seen}`));
    });
  });
}

/** SIGTERM, resolved once it exited (at once when it already did). */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * A real `redis-server` for tests and the load script, on a free loopback port. redis-server has no
 * `--port 0`, so a port is picked by binding 127.0.0.1:0 in Node first (retried if it is taken in
 * between). Without persistence it saves nothing; with `persistent: true` it writes an append-only
 * file (fsync on every write) in a temporary folder, so a restart keeps everything acknowledged.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../support/free-port";

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** appendonly yes + appendfsync always in a temporary folder (survives {@link RedisServer.restart}). */
  readonly persistent?: boolean;
}

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  /** The process id of the server now running (changes on restart); 0 when stopped. */
  pid(): number;
  /** redis://127.0.0.1:<port>/0 */
  readonly url: string;
  /** Kills it with SIGKILL (no shutdown save: only what the append-only file holds survives). */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (after {@link kill}). */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

let checked = false;

/** Throws a clear message when redis-server is not installed. */
export function requireRedisServer(): void {
  if (checked) return;
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      "redis-server is not installed (needed by the Redis store tests). Install it with `apt-get install redis-server` " +
        "(Debian/Ubuntu; CI installs it), or `brew install redis` on macOS.",
    );
  }
  checked = true;
}

/** Resolves once the server answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
  });
}

function launch(port: number, dir: string, persistent: boolean): { process: ChildProcess; output: () => string } {
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--dir", dir,
    "--save", "",
    "--appendonly", persistent ? "yes" : "no",
    ...(persistent ? ["--appendfsync", "always"] : []),
    "--loglevel", "warning",
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return { process: child, output: () => output };
}

async function waitReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server did not answer on port ${port} within 10 s:\n${output()}`);
}

function killProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** Starts redis-server on a free loopback port; see the module comment. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  requireRedisServer();
  const persistent = options.persistent ?? false;
  const dir = mkdtempSync(join(tmpdir(), "relay-redis-"));
  let port = 0;
  let current: ReturnType<typeof launch> | null = null;
  for (let attempt = 1; current === null; attempt += 1) {
    port = await freePort();
    const started = launch(port, dir, persistent);
    try {
      await waitReady(port, started.process, started.output);
      current = started;
    } catch (error) {
      await killProcess(started.process, "SIGKILL");
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let running: ReturnType<typeof launch> | null = current;
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    pid: () => running?.process.pid ?? 0,
    async kill() {
      if (running !== null) await killProcess(running.process, "SIGKILL");
      running = null;
    },
    async restart() {
      if (running !== null) await killProcess(running.process, "SIGKILL");
      const started = launch(port, dir, persistent);
      await waitReady(port, started.process, started.output);
      running = started;
    },
    async stop() {
      if (running !== null) await killProcess(running.process, "SIGTERM");
      running = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

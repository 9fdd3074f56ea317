/**
 * Runs the relay as a child process (`node --import tsx relay/main.ts`), the way it is deployed,
 * for browser tests that need it on a fixed port. Resolves once it says it is listening; `stop()`
 * ends it (SIGTERM, then SIGKILL) and is safe to call twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");

/** A running relay child. */
export interface RelayProcess {
  readonly process: ChildProcess;
  /** e.g. http://127.0.0.1:3211 */
  readonly url: string;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the relay with `env` on top of this process's environment (keep LOG_LEVEL at info or below: the "listening" line is how it is seen to start); rejects with its output if it exits or stays silent for `timeoutMs`. */
export function startRelayProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<RelayProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "relay/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once("exit", () => resolveExit());
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolveStart, reject) => {
    let started = false;
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the relay did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined && !started) {
        started = true;
        clearTimeout(timer);
        resolveStart({ process: child, url, output: () => output, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`the relay exited (${code ?? signal}) before it listened:\n${output}`));
    });
  });
}

/**
 * A relay as a child process (`node --import tsx relay/main.ts`), for tests that kill it with
 * SIGKILL or run several side by side. Resolves once the relay logs the URL it listens on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "../../..");

/** A started relay process. */
export interface RelayProcess {
  readonly process: ChildProcess;
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
}

/** Starts `relay/main.ts` with `env` added to this process' environment. */
export function startRelayProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<RelayProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "relay/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`relay did not start:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolvePromise({ process: child, url, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${output}`));
    });
  });
}

/** Sends `signal` (SIGKILL by default) and resolves once the process is gone. */
export function stopRelayProcess(relay: RelayProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  return new Promise((resolvePromise) => {
    if (relay.process.exitCode !== null || relay.process.signalCode !== null) return resolvePromise();
    relay.process.once("exit", () => resolvePromise());
    relay.process.kill(signal);
  });
}

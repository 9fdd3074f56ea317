/**
 * Starts the production build (`next start`) on a port of its own with the environment a test
 * needs (a model folder, a Hub mirror), for specs whose configuration differs from the config's
 * web server. The server process itself is started, so it can be stopped by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** A running server and how to stop it. */
export interface AppServer {
  readonly url: string;
  readonly stop: () => void;
}

let nextPort = Number(process.env.E2E_PORT ?? 3210) + 20;

/** Starts `next start` on the next spare port with `env` over this process's environment less WHISPER_MODELS_DIR and HF_ENDPOINT; resolves once it answers. */
export async function startAppServer(env: Readonly<Record<string, string>>): Promise<AppServer> {
  const port = nextPort;
  nextPort += 1;
  const { WHISPER_MODELS_DIR: _dir, HF_ENDPOINT: _endpoint, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)], {
    env: { ...inherited, ...env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = (): void => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
  };
  for (let tries = 0; tries < 240; tries += 1) {
    try {
      if ((await fetch(`${url}/`)).ok) return { url, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  stop();
  throw new Error(`next start on port ${port} did not answer`);
}

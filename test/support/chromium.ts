/**
 * Finds the system Chromium that browser tests drive (Playwright's own browser download is not
 * available offline). Order: $CHROMIUM_PATH, then chromium / chromium-browser / google-chrome on PATH.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of a Chromium binary; throws with install instructions when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CHROMIUM_PATH;
  if (explicit !== undefined && explicit !== "") {
    if (executable(explicit)) return explicit;
    throw new Error(`CHROMIUM_PATH is set to "${explicit}", which is not an executable file.`);
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    for (const name of NAMES) {
      const candidate = join(dir, name);
      if (dir !== "" && executable(candidate)) return candidate;
    }
  }
  throw new Error(
    "Browser tests need a system Chromium and none was found on PATH. Install it with `sudo apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chrome/Chromium binary.",
  );
}

/** Flags for headless Chromium on a machine with no network but loopback. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--no-first-run",
  "--disable-quic",
];

// `npm start`: builds the app if it has not been built, then runs the web app (PORT, default 3000)
// and the relay (RELAY_PORT, default 3001) side by side. Ctrl-C stops both; if one exits, so does
// the other. Pass --rebuild to force a fresh build.
import { RELAY_MALLOC_ENV, RELAY_NODE_FLAGS, runTogether } from "./run-together.mjs";
import { spawn, spawnSync } from "node:child_process";
import { bundleRelay } from "./bundle-relay.mjs";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "0.0.0.0";
// A test build (NEXT_PUBLIC_TEST_HOOKS=1, made by `npm test`) must not be served: rebuild without it.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_PUBLIC_TEST_HOOKS: "" };

function say(message) {
  console.info(`[start] ${message}`);
}

const dist = join(root, process.env.NEXT_DIST_DIR ?? ".next");
const testBuild = existsSync(join(dist, "TEST_HOOKS"));
if (process.argv.includes("--rebuild") || testBuild || !existsSync(join(dist, "BUILD_ID"))) {
  say(testBuild ? "rebuilding: the last build was a test build…" : "building the app…");
  const build = spawnSync(process.execPath, [join(root, "scripts", "copy-ort.mjs")], { stdio: "inherit", cwd: root, env });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const next = spawnSync(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { stdio: "inherit", cwd: root, env });
  if (next.status !== 0) process.exit(next.status ?? 1);
}

const children = [
  spawn(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-H", host, "-p", port], { stdio: "inherit", cwd: root, env }),
];
// The relay runs as one bundled file under plain node: the tsx loader alone costs 30-35 MB of RSS,
// and glibc's allocator settings keep freed stream buffers from lingering (see relay/README.md).
const relayBundle = await bundleRelay();
children.push(
  spawn(process.execPath, [...RELAY_NODE_FLAGS, relayBundle], {
    stdio: "inherit",
    cwd: root,
    env: { ...RELAY_MALLOC_ENV, ...env },
  }),
);
say(`app on http://localhost:${port}, relay on port ${process.env.RELAY_PORT ?? "3001"}`);

runTogether(children);

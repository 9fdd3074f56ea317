// Bundles the relay into one CommonJS file: the same build for `npm start` (scripts/start.mjs), the
// container image (Dockerfile) and the memory benchmarks (scripts/relay-memory.ts), so what is
// measured is what runs. Every dependency is bundled except better-sqlite3, a native module (the
// image copies it in on its own). Two choices here are about memory (measured in relay/README.md):
// - whatwg-url, which node-fetch (grammY's HTTP client) requires only as a fallback for a Node
//   without the global URL class, is replaced by that class: its Unicode tables (tr46) are ~3 MB.
// - the Redis backend is imported only when RELAY_STORE is a redis:// URL (relay/backend.ts), so a
//   SQLite relay never loads ioredis.
// Usage: node scripts/bundle-relay.mjs [OUTFILE]   (default .cache/relay/relay.cjs)
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** esbuild plugin: `require("whatwg-url")` gets Node's own URL classes. */
const nodeUrlForWhatwgUrl = {
  name: "node-url-for-whatwg-url",
  setup(build) {
    build.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: "whatwg-url", namespace: "node-url" }));
    build.onLoad({ filter: /.*/, namespace: "node-url" }, () => ({
      contents: "module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };",
      loader: "js",
    }));
  },
};

/** Bundles relay/main.ts into `outfile` (a .cjs file); resolves with its path. */
export async function bundleRelay(outfile = join(root, ".cache", "relay", "relay.cjs")) {
  await build({
    entryPoints: [join(root, "relay", "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["better-sqlite3"],
    plugins: [nodeUrlForWhatwgUrl],
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await bundleRelay(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
}

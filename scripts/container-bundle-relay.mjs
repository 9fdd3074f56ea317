// Bundles the relay into one CommonJS file for the container image (scripts/start.mjs does the same
// for `npm start`, but leaves node_modules external). Here every dependency is bundled except
// better-sqlite3, a native module the image copies in on its own. Usage: node … OUTFILE
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = process.argv[2] ?? join(root, ".cache", "relay", "relay-bundled.cjs");
await build({
  entryPoints: [join(root, "relay", "main.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: ["better-sqlite3"],
  outfile,
  logLevel: "warning",
});

// Builds the service worker into public/sw.js. Runs inside `next build` (next.config.ts
// `compiler.runAfterProductionCompile`, once .next/static is written) and can be run by hand after
// a build: `node scripts/build-sw.mjs [distDir]`.
//  1. esbuild bundles lib/offline/service-worker.ts (TypeScript, workbox modules) into one classic script;
//  2. workbox-build `injectManifest` puts the precache list (files + content revisions) in place of
//     `self.__WB_MANIFEST`: Next's static files (.next/static → /_next/static/), the icons, and the
//     plain ONNX Runtime build (public/ort → /ort/). The WebGPU (asyncify) build is cached on first
//     use instead: only WebGPU devices need its 27 MB. Model files are never precached.
// `next start` serves the public/ files that exist when it starts, so sw.js is in place in time.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { injectManifest } from "workbox-build";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const distArg = process.argv[2] ?? ".next";
const distDir = relative(root, isAbsolute(distArg) ? distArg : join(root, distArg)).split("\\").join("/");
const ortFiles = ["ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

function say(message) {
  console.info(`[build-sw] ${message}`);
}

if (!existsSync(join(root, distDir, "static"))) {
  console.error(`[build-sw] ${distDir}/static is missing: run \`next build\` first.`);
  process.exit(1);
}
if (ortFiles.some((file) => !existsSync(join(root, "public", "ort", file)))) {
  say("public/ort is incomplete; copying ONNX Runtime files first");
  const copy = spawnSync(process.execPath, [join(root, "scripts", "copy-ort.mjs")], { stdio: "inherit", cwd: root });
  if (copy.status !== 0) process.exit(copy.status ?? 1);
}

const bundled = join(root, distDir, "cache", "service-worker", "sw.js");
mkdirSync(dirname(bundled), { recursive: true });
await build({
  entryPoints: [join(root, "lib", "offline", "service-worker.ts")],
  outfile: bundled,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  tsconfig: join(root, "tsconfig.json"),
  // Workbox's modules log in development builds only; ship the quiet production code.
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});

const { count, size, warnings } = await injectManifest({
  swSrc: bundled,
  swDest: join(root, "public", "sw.js"),
  globDirectory: root,
  globPatterns: [
    `${distDir}/static/**/*`,
    `public/ort/{${ortFiles.join(",")}}`,
    "public/*.{png,svg}",
  ],
  // Turbopack also emits ONNX Runtime's WASM into .next/static/media; the app loads /ort/ instead.
  globIgnores: ["**/*.map", `${distDir}/static/**/*.wasm`],
  modifyURLPrefix: { [`${distDir}/static/`]: "/_next/static/", "public/": "/" },
  // Next's static file names carry a content hash already.
  dontCacheBustURLsMatching: /^\/_next\/static\//,
  maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
});
for (const warning of warnings) console.warn(`[build-sw] warning: ${warning}`);
say(`public/sw.js precaches ${count} files, ${(size / 1e6).toFixed(1)} MB`);

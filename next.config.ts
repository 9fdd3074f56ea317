import type { NextConfig } from "next";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ISOLATION_HEADERS } from "./lib/offline/isolation-headers";

/**
 * Cross-origin isolation (COOP + COEP) lets ONNX Runtime's WASM backend use threads
 * (SharedArrayBuffer). Everything the page loads is same-origin, so `require-corp` costs nothing.
 * The service worker keeps these headers on what it serves from its cache.
 */
const isolationHeaders = ISOLATION_HEADERS.map(({ key, value }) => ({ key, value }));

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // NEXT_DIST_DIR lets two builds (say, a test build and a production one) live side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // The Dockerfile sets NEXT_OUTPUT=standalone for a small runtime image; `npm start` and the tests
  // keep the ordinary build.
  ...(process.env.NEXT_OUTPUT === "standalone" ? { output: "standalone" as const } : {}),
  // `npm test` type-checks the whole project in its own step (tsc); don't do it twice.
  typescript: { ignoreBuildErrors: true },
  // transformers.js ships a browser build; keep its Node-only dependencies out of the client bundle.
  serverExternalPackages: ["@huggingface/transformers", "onnxruntime-node", "sharp", "better-sqlite3"],
  async headers() {
    return [
      { source: "/:path*", headers: isolationHeaders },
      // Browsers check for a new service worker on navigation; never let a cache answer for it.
      { source: "/sw.js", headers: [{ key: "Cache-Control", value: "no-cache" }] },
    ];
  },
  compiler: {
    // The service worker precaches .next/static, so it is built once those files exist (see
    // scripts/build-sw.mjs); `next start` then serves it as public/sw.js.
    async runAfterProductionCompile({ projectDir, distDir }) {
      const result = spawnSync(process.execPath, [join(projectDir, "scripts", "build-sw.mjs"), distDir], { stdio: "inherit", cwd: projectDir });
      if (result.status !== 0) throw new Error(`building the service worker failed (scripts/build-sw.mjs exited with ${String(result.status ?? result.signal)})`);
    },
  },
  turbopack: {
    resolveAlias: {
      // The browser build of transformers.js never loads these; they exist for its Node build.
      sharp: { browser: "./lib/empty-module.ts" },
      "onnxruntime-node": { browser: "./lib/empty-module.ts" },
      // ogg-opus-decoder's worker shim has a Node variant that Turbopack cannot bundle for SSR;
      // the decoder only ever runs in the browser.
      "@eshaz/web-worker": "./node_modules/@eshaz/web-worker/cjs/browser.js",
    },
  },
};

export default nextConfig;

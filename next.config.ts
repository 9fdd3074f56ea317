import type { NextConfig } from "next";

/**
 * Cross-origin isolation (COOP + COEP) lets ONNX Runtime's WASM backend use threads
 * (SharedArrayBuffer). Everything the page loads is same-origin, so `require-corp` costs nothing.
 */
const isolationHeaders = [
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // transformers.js ships a browser build; keep its Node-only dependencies out of the client bundle.
  serverExternalPackages: ["@huggingface/transformers", "onnxruntime-node", "sharp", "better-sqlite3"],
  async headers() {
    return [
      { source: "/:path*", headers: isolationHeaders },
    ];
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

// Copies ONNX Runtime Web's loader (.mjs) and binary (.wasm) from the installed onnxruntime-web into
// public/ort/, so the app serves them from its own origin (never a CDN) and works offline.
// The plain build runs the WASM device; the asyncify build is the one the WebGPU device needs.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Resolve from transformers.js so we copy the exact onnxruntime-web version it imports.
const require = createRequire(join(root, "node_modules", "@huggingface", "transformers", "package.json"));

const files = [
  "onnxruntime-web/ort-wasm-simd-threaded.wasm",
  "onnxruntime-web/ort-wasm-simd-threaded.mjs",
  "onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm",
  "onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs",
];
const out = join(root, "public", "ort");
mkdirSync(out, { recursive: true });
for (const spec of files) {
  const from = require.resolve(spec);
  const to = join(out, basename(from));
  copyFileSync(from, to);
  console.info(`[copy-ort] ${basename(from)} ${(statSync(to).size / 1e6).toFixed(1)} MB`);
}

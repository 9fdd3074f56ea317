// `npm test`: every check, in order, stopping at the first failure: lint, type-check, unit and
// integration tests (Vitest), a production build, then browser tests (Playwright, system Chromium).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

const steps = [
  ["lint", bin("eslint"), ["--max-warnings", "0", "."]],
  ["type-check", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]],
  ["unit and integration tests", bin("vitest"), ["run"]],
  ["copy ONNX Runtime files", process.execPath, [join(root, "scripts", "copy-ort.mjs")]],
  ["production build", process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"]],
  ["browser tests", bin("playwright"), ["test"]],
];

const only = process.argv.slice(2);
const started = Date.now();
for (const [name, command, args] of steps) {
  if (only.length > 0 && !only.some((word) => name.includes(word))) continue;
  const t0 = Date.now();
  console.info(`\n=== ${name} ===`);
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, env });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  console.info(`✓ ${name} (${seconds} s)`);
}
console.info(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);

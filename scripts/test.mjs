// `npm test`: every check, in order, stopping at the first failure: lint, type-check, unit and
// integration tests (Vitest), a production build, browser tests (Playwright, system Chromium), then
// the container image check (scripts/container-test.sh, podman).
// The build is made with NEXT_PUBLIC_TEST_HOOKS=1, which compiles in the test-only fault switch
// (lib/transcription/worker-protocol.ts TestFault); `npm start` builds without it, so production has none.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_PUBLIC_TEST_HOOKS: "1" };

const steps = [
  ["lint", bin("eslint"), ["--max-warnings", "0", "."]],
  ["type-check", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]],
  ["unit and integration tests", bin("vitest"), ["run"]],
  ["copy ONNX Runtime files", process.execPath, [join(root, "scripts", "copy-ort.mjs")]],
  ["production build", process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"]],
  ["browser tests", bin("playwright"), ["test"]],
  // Builds the image on a local base and transcribes through it; "skipped: no podman" without podman.
  ["container image check", "bash", [join(root, "scripts", "container-test.sh")]],
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
  // Mark the build as a test build so `npm start` rebuilds before serving it.
  if (name === "production build") writeFileSync(join(root, process.env.NEXT_DIST_DIR ?? ".next", "TEST_HOOKS"), "built with NEXT_PUBLIC_TEST_HOOKS=1\n");
}
console.info(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);

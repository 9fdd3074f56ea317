/**
 * The benchmark's models: random weights with the real dimensions of whisper-tiny and whisper-base,
 * made by scripts/make-fixture-model.py (presets real-tiny / real-base) so that every 30 s window
 * yields a fixed number of tokens. Each takes several minutes and 2-3 GB of memory to make, so they
 * are made one at a time, into a `.partial` folder that is renamed only when the script succeeded,
 * and kept in a git-ignored cache for the next run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The two benchmarked models and their fixture-script presets. */
export const BENCH_MODELS = {
  "whisper-tiny": { preset: "real-tiny", label: "tiny" },
  "whisper-base": { preset: "real-base", label: "base" },
} as const;

export type BenchModel = keyof typeof BENCH_MODELS;

/** Text tokens each 30 s window yields (Whisper writes ~100 in 30 s of speech). */
export const TOKENS_PER_WINDOW = 100;

/** Files the WASM q8 attempt loads; their presence means a finished build. */
const REQUIRED = ["config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json", "onnx/encoder_model_quantized.onnx", "onnx/decoder_model_merged_quantized.onnx"];
/** Files the WebGPU attempts load (fp32 + q4, fp16 + q4f16); models made before the script wrote them lack them. */
const WEBGPU_FILES = ["onnx/encoder_model.onnx", "onnx/decoder_model_merged_q4.onnx", "onnx/encoder_model_fp16.onnx", "onnx/decoder_model_merged_q4f16.onnx"];
/** Written into the folder, with the command that made the model. */
const MARKER = "bench-model.json";

function python(root: string, log: (line: string) => void): string {
  const venv = join(root, ".cache", "venv");
  const bin = join(venv, "bin", "python");
  if (existsSync(bin)) return bin;
  log(`${venv} is missing; creating it from scripts/requirements-fixture.txt (CPU torch, a few minutes)`);
  const steps: [string, string[]][] = [
    ["python3", ["-m", "venv", venv]],
    [join(venv, "bin", "pip"), ["install", "-r", join(root, "scripts", "requirements-fixture.txt")]],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${String(result.status)})`);
  }
  return bin;
}

/** True when `dir` holds the files a WASM q8 run (and, with `webgpu`, a WebGPU run) loads (builds land in `.partial` until they succeed). */
export function modelReady(dir: string, webgpu = false): boolean {
  return [...REQUIRED, ...(webgpu ? WEBGPU_FILES : [])].every((file) => existsSync(join(dir, file)));
}

/**
 * scripts/slim-decoder.py on a model folder (idempotent): the merged decoder stops copying the
 * cross-attention cache out at every token, as in the models the app serves.
 */
function slimDecoders(root: string, dir: string, log: (line: string) => void): void {
  const result = spawnSync(python(root, log), [join(root, "scripts", "slim-decoder.py"), dir], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`scripts/slim-decoder.py failed for ${dir}: ${result.stderr.trim()}`);
  for (const line of result.stdout.trim().split("\n")) log(`  ${line}`);
}

/** Makes `<modelsDir>/<model>` unless it is already there (with the WebGPU files too when `webgpu`); returns its folder. */
export function ensureModel(root: string, modelsDir: string, model: BenchModel, log: (line: string) => void, webgpu = false): string {
  const dir = join(modelsDir, model);
  if (modelReady(dir, webgpu)) {
    log(`${model}: using ${dir}`);
    slimDecoders(root, dir, log);
    return dir;
  }
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(modelsDir, { recursive: true });
  // Only the files the run loads: the WebGPU pairs (q4 decoders) are made, and checked, for WebGPU
  // runs alone. At base's size the q4 decoder drops the timestamp that closes a window (the
  // script's self-check says so and fails), which would otherwise stop every base run.
  const dtypes = webgpu ? "fp32,q8,fp32+q4,fp16+q4f16" : "q8";
  const args = [join(root, "scripts", "make-fixture-model.py"), "--preset", BENCH_MODELS[model].preset, "--tokens-per-window", String(TOKENS_PER_WINDOW), "--dtypes", dtypes, "--out", partial];
  log(`${model}: building random weights with the real dimensions (${BENCH_MODELS[model].preset}, ${dtypes}; ~2-8 min and 2-3 GB on 2 cores)`);
  const started = Date.now();
  const result = spawnSync(python(root, log), args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`scripts/make-fixture-model.py failed for ${model} (exit ${String(result.status ?? result.signal)})`);
  writeFileSync(join(partial, MARKER), `${JSON.stringify({ command: ["python", ...args.slice(0, -1), dir], builtAt: new Date().toISOString() }, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  log(`${model}: built in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  return dir;
}

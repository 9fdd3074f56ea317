/**
 * Silero VAD v5 for `npm run bench:vad`, run by the project's own onnxruntime-web (WASM in Node,
 * one thread, as a worklet or worker would run it). The model is the `silero_vad_v5.onnx` shipped in
 * the npm package `@ricky0123/vad-web@0.0.31`, taken out of the package tarball (`npm pack`) into
 * `.cache/vad/` and checked by its SHA-256: installing the package would add a second
 * onnxruntime-web (it asks for ^1.17.0, which the project's 1.31 dev build does not satisfy).
 *
 * The model takes 512 new samples at 16 kHz behind the previous frame's last 64 (the context
 * silero-vad's OnnxWrapper and vad-web both prepend), its recurrent state [2, 1, 128] and the rate
 * (int64), and returns the speech probability of those 512 samples and the next state.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-web";

export const SILERO_PACKAGE = "@ricky0123/vad-web@0.0.31";
export const SILERO_FILE = "silero_vad_v5.onnx";
export const SILERO_SHA256 = "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f";
/** New samples per model call (32 ms at 16 kHz). */
export const SILERO_FRAME = 512;
const CONTEXT = 64;

/** Path of the model in `dir`, taken out of the npm package on first use. */
export function ensureSileroModel(dir: string): string {
  const path = join(dir, SILERO_FILE);
  if (!existsSync(path)) {
    const work = join(dir, "pack");
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const tarball = execFileSync("npm", ["pack", SILERO_PACKAGE, "--silent", "--pack-destination", work], { encoding: "utf8" }).trim().split("\n").pop() ?? "";
    execFileSync("tar", ["-xzf", join(work, tarball), "-C", work, `package/dist/${SILERO_FILE}`]);
    renameSync(join(work, "package", "dist", SILERO_FILE), path);
    rmSync(work, { recursive: true, force: true });
  }
  const sha = createHash("sha256").update(readFileSync(path)).digest("hex");
  if (sha !== SILERO_SHA256) throw new Error(`${path}: SHA-256 ${sha}, expected ${SILERO_SHA256}`);
  return path;
}

export interface SileroModel {
  readonly session: ort.InferenceSession;
  readonly bytes: number;
  /** Milliseconds from nothing to a session: the WASM module's start and the model's parse. */
  readonly loadMs: number;
  /** Milliseconds for a second session of the same model: its parse alone, ONNX Runtime already running (as in the app's worker). */
  readonly sessionMs: number;
}

export async function loadSilero(path: string): Promise<SileroModel> {
  ort.env.wasm.numThreads = 1;
  const bytes = readFileSync(path);
  const started = performance.now();
  const session = await ort.InferenceSession.create(bytes);
  const loadMs = performance.now() - started;
  const again = performance.now();
  await (await ort.InferenceSession.create(bytes)).release();
  const sessionMs = performance.now() - again;
  for (const name of ["input", "state", "sr"]) if (!session.inputNames.includes(name)) throw new Error(`Silero input ${name} missing: ${session.inputNames.join(", ")}`);
  return { session, bytes: bytes.length, loadMs, sessionMs };
}

/**
 * The speech probability of each 512-sample frame of `samples` (16 kHz), from a fresh state: one
 * window is judged on its own, as the energy gate judges it. A last partial frame is zero-padded.
 */
export async function sileroProbabilities(model: SileroModel, samples: Float32Array): Promise<Float32Array> {
  const frames = Math.ceil(samples.length / SILERO_FRAME);
  const out = new Float32Array(frames);
  const sr = new ort.Tensor("int64", BigInt64Array.from([16000n]), []);
  let state: ort.Tensor = new ort.Tensor("float32", new Float32Array(2 * 128), [2, 1, 128]);
  const input = new Float32Array(CONTEXT + SILERO_FRAME);
  for (let frame = 0; frame < frames; frame += 1) {
    const start = frame * SILERO_FRAME;
    const chunk = samples.subarray(start, Math.min(samples.length, start + SILERO_FRAME));
    input.copyWithin(0, SILERO_FRAME, SILERO_FRAME + CONTEXT);
    input.fill(0, CONTEXT);
    input.set(chunk, CONTEXT);
    const result = await model.session.run({ input: new ort.Tensor("float32", input.slice(), [1, input.length]), state, sr });
    const probability = result.output?.data[0];
    const next = result.stateN;
    if (typeof probability !== "number" || next === undefined) throw new Error("Silero returned no output or state");
    out[frame] = probability;
    state = next;
  }
  return out;
}

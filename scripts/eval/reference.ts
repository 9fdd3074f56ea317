/**
 * The reference side of the accuracy evaluation: the same ONNX files, run outside the browser by
 * `scripts/reference-transcribe.py`'s `Reference` (onnxruntime on the CPU, greedy decoding, q8,
 * timestamp mode and the language forced, as the app runs them).
 *
 * Long audio: the app feeds Whisper one 30 s window at a time and decides where the next window
 * starts from the segments it got back (lib/transcription/long-transcription.ts, `stepWindow`), after a silence
 * gate. To compare like with like, the reference is driven by that same `transcribeLong`, with a
 * window transcriber backed by `scripts/eval/reference-server.py` (one Python process that keeps the
 * model loaded and answers window by window) in place of the Web Worker. Within a window the server
 * decodes once, as the app does, and says where the next window starts (see reference-server.py). Each clip is decoded to
 * 16 kHz mono by ffmpeg exactly as reference-transcribe.py does. Clips longer than one window are
 * also transcribed by reference-transcribe.py's own fixed 30 s cut ("plain"), to show what the
 * windowing itself changes.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { monoSource } from "../../lib/audio/source";
import { WINDOW_SECONDS } from "../../lib/transcription/windows";
import { transcribeLong, type WindowTranscriber } from "../../lib/transcription/long-transcription";
import type { WindowResult } from "../../lib/transcription/worker-protocol";
import type { Segment } from "../../lib/transcript/types";
import { SAMPLE_RATE } from "../../lib/audio/sample-rate";

/** What the reference made of one clip. */
export interface ReferenceResult {
  /** Windowed and stitched by the app's own orchestration. */
  readonly text: string;
  /** Windows the orchestration ran (silent ones included). */
  readonly windows: number;
  /** reference-transcribe.py's own run on the whole file (30 s windows, no overlap); only for multi-window clips. */
  readonly plainText?: string;
  /** The clip as ffmpeg decoded it (16 kHz mono): what the reference model heard. */
  readonly samples: Float32Array;
}

/** A clip for the reference: its path and the language to force. */
export interface ReferenceJob {
  readonly key: string;
  readonly path: string;
  readonly language: string;
}

/**
 * 16 kHz mono samples, decoded by ffmpeg exactly as reference-transcribe.py (and openai-whisper's
 * load_audio) does: 16-bit output, for which ffmpeg averages stereo channels. With float output it
 * would sum them at 1/√2 each, 3 dB louder than the app's average (Web Audio's own stereo → mono).
 */
export function decodeWithFfmpeg(path: string): Float32Array {
  const result = spawnSync("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", String(SAMPLE_RATE), "-"], {
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${result.stderr.toString().trim()}`);
  const bytes: Buffer = result.stdout;
  const samples = new Float32Array(bytes.length / 2);
  for (let i = 0; i < samples.length; i += 1) samples[i] = bytes.readInt16LE(i * 2) / 32768;
  return samples;
}

/** A mono IEEE-float WAV file (format 3), which ffmpeg reads back without any conversion. */
export function floatWav(samples: Float32Array, sampleRate = SAMPLE_RATE): Buffer {
  const data = samples.length * 4;
  const out = Buffer.alloc(44 + data);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + data, 4);
  out.write("WAVE", 8, "ascii");
  out.write("fmt ", 12, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(3, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 4, 28);
  out.writeUInt16LE(4, 32);
  out.writeUInt16LE(32, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i += 1) out.writeFloatLE(samples[i] ?? 0, 44 + i * 4);
  return out;
}

interface RawSegment {
  readonly start: number;
  readonly end: number | null;
  readonly text: string;
}

function parseSegments(value: unknown): RawSegment[] {
  const parsed: RawSegment[] = [];
  if (!Array.isArray(value)) return parsed;
  for (const segment of value) {
    if (typeof segment !== "object" || segment === null) continue;
    const start = Reflect.get(segment, "start");
    const end = Reflect.get(segment, "end");
    const text = Reflect.get(segment, "text");
    if (typeof start === "number" && typeof text === "string") parsed.push({ start, end: typeof end === "number" ? end : null, text });
  }
  return parsed;
}

/** The worker's rule for one window's output (lib/transcription/transcriber.worker.ts `toSegments`). */
function windowSegments(raw: readonly RawSegment[], text: string, windowSeconds: number): Segment[] {
  const segments: Segment[] = raw.map((segment) => {
    const start = Math.min(segment.start, windowSeconds);
    const end = Math.min(Math.max(segment.end ?? windowSeconds, start), windowSeconds);
    return { start, end, text: segment.text };
  });
  if (segments.length === 0 && text.trim() !== "") segments.push({ start: 0, end: windowSeconds, text });
  return segments;
}

/** A running scripts/eval/reference-server.py: one model load, many windows. */
class ReferenceServer implements WindowTranscriber {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<string, (line: Record<string, unknown>) => void>();
  private readonly ready: Promise<Record<string, unknown>>;
  private stderr = "";
  private counter = 0;

  constructor(
    modelDir: string,
    dtype: "q8" | "fp32",
    private readonly windowDir: string,
  ) {
    this.child = spawn("python3", ["scripts/eval/reference-server.py", "--dtype", dtype, modelDir], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    let markReady: (line: Record<string, unknown>) => void = () => undefined;
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      this.child.once("exit", (code) => reject(new Error(`reference-server.py exited with ${String(code)}:\n${this.stderr.trim()}`)));
      this.child.once("error", reject);
    });
    createInterface({ input: this.child.stdout }).on("line", (text) => {
      const value: unknown = JSON.parse(text);
      if (typeof value !== "object" || value === null) return;
      const line: Record<string, unknown> = Object.fromEntries(Object.entries(value));
      if (line.ready === true) return markReady(line);
      const id = typeof line.id === "string" ? line.id : "";
      this.waiting.get(id)?.(line);
      this.waiting.delete(id);
    });
  }

  /** Resolves once the model is loaded; the banner names the onnxruntime version. */
  start(): Promise<Record<string, unknown>> {
    return this.ready;
  }

  transcribe(audio: Float32Array, options: { readonly language: string | null; readonly task: "transcribe" | "translate" }): ReturnType<WindowTranscriber["transcribe"]> {
    this.counter += 1;
    const requestId = `w${this.counter}`;
    const file = join(this.windowDir, `${requestId}.f32`);
    writeFileSync(file, Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
    const started = performance.now();
    const outcome = new Promise<{ readonly kind: "done"; readonly result: WindowResult }>((resolve, reject) => {
      this.waiting.set(requestId, (line) => {
        if (typeof line.error === "string") return reject(new Error(`reference-server.py: ${line.error}`));
        const text = typeof line.text === "string" ? line.text : "";
        const segments = windowSegments(parseSegments(line.segments), text, audio.length / SAMPLE_RATE);
        resolve({
          kind: "done",
          result: {
            text: segments.map((segment) => segment.text.trim()).join(" ").trim(),
            segments,
            language: typeof line.language === "string" ? line.language : (options.language ?? ""),
            elapsedMs: Math.round(performance.now() - started),
            resumeAt: typeof line.resume_at === "number" ? line.resume_at : null,
          },
        });
      });
      this.child.stdin.write(`${JSON.stringify({ id: requestId, samples: file, language: options.language, task: options.task })}\n`);
    });
    return { requestId, outcome };
  }

  cancel(): void {
    // Windows are short; the evaluation never cancels.
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin.end();
    await exited;
  }
}

/** reference-transcribe.py on whole files (its own fixed 30 s cut), language forced; text per file. */
function plainTranscripts(modelDir: string, dtype: "q8" | "fp32", language: string, files: readonly string[]): Map<string, string> {
  const args = ["scripts/reference-transcribe.py", "--timestamps", "--dtype", dtype, "--language", language, modelDir, ...files];
  const result = spawnSync("python3", args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`python3 ${args.join(" ")} exited with ${String(result.status)}:\n${result.stderr.trim()}`);
  const texts = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const value: unknown = JSON.parse(line);
    if (typeof value !== "object" || value === null) continue;
    const file = Reflect.get(value, "file");
    const text = Reflect.get(value, "text");
    if (typeof file === "string" && typeof text === "string") texts.set(file, text);
  }
  return texts;
}

/**
 * Transcribes every job with the reference, windowed and stitched by the app's own
 * `transcribeLong`. Window sample files go to `<workDir>/windows/`.
 */
export async function referenceTranscripts(
  jobs: readonly ReferenceJob[],
  modelDir: string,
  workDir: string,
  log: (line: string) => void,
  dtype: "q8" | "fp32" = "q8",
): Promise<Map<string, ReferenceResult>> {
  const windowDir = join(workDir, "windows");
  rmSync(windowDir, { recursive: true, force: true });
  mkdirSync(windowDir, { recursive: true });
  const server = new ReferenceServer(modelDir, dtype, windowDir);
  const results = new Map<string, ReferenceResult>();
  try {
    const banner = await server.start();
    log(`reference: ${String(banner.model)} ${String(banner.dtype)}, onnxruntime ${String(banner.onnxruntime)} (CPU)`);
    for (const job of jobs) {
      const samples = decodeWithFfmpeg(job.path);
      const run = transcribeLong(monoSource(samples), server, { language: job.language, task: "transcribe" }, () => undefined);
      const outcome = await run.outcome;
      if (outcome.kind !== "done") throw new Error(`the reference run of ${job.path} was cancelled`);
      log(`reference ${job.key}: ${outcome.windows} window(s), ${outcome.silentWindows} silent`);
      results.set(job.key, { text: outcome.result.text, windows: outcome.windows, samples });
    }
  } finally {
    await server.stop();
  }
  const long = jobs.filter((job) => (results.get(job.key)?.samples.length ?? 0) > WINDOW_SECONDS * SAMPLE_RATE);
  for (const language of new Set(long.map((job) => job.language))) {
    const group = long.filter((job) => job.language === language);
    const plain = plainTranscripts(modelDir, dtype, language, group.map((job) => job.path));
    for (const job of group) {
      const result = results.get(job.key);
      const text = plain.get(job.path);
      if (result !== undefined && text !== undefined) results.set(job.key, { ...result, plainText: text });
    }
  }
  return results;
}

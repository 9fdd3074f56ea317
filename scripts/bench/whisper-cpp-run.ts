/**
 * One whisper.cpp run for the benchmark: whisper-cli (built by scripts/whisper-cpp.sh) started
 * under GNU time in a process of its own, so its wall time, CPU time and peak RSS are its own;
 * whisper.cpp's own timings split model load from transcription. Greedy decoding without
 * temperature fallback (`-bs 1 -bo 1 -nf`), as the app decodes, language en.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What one run measured; bytes and milliseconds. */
export interface WhisperCppResult {
  readonly loadMs: number;
  /** whisper.cpp's total time minus its load time (mel, encoder, decoder, sampling). */
  readonly transcribeMs: number;
  /** User + system CPU of the whole process (load included; GNU time). */
  readonly cpuMs: number;
  readonly wallMs: number;
  /** Peak RSS (GNU time's maximum resident set size). */
  readonly peakRss: number;
  readonly text: string;
  readonly threads: number;
}

const TIME = "/usr/bin/time";

/** whisper_print_timings' lines by name ("load", "mel", "encode", "decode", "total"…), milliseconds. */
export type PrintedTimings = Readonly<Record<string, number>>;

/** Reads whisper.cpp's `whisper_print_timings:  encode time =   123.45 ms / …` lines out of its stderr. */
export function printedTimings(stderr: string): PrintedTimings {
  const timings: Record<string, number> = {};
  for (const match of stderr.matchAll(/whisper_print_timings:\s+(\w+) time =\s+([\d.]+) ms/g)) if (match[1] !== undefined) timings[match[1]] = Number(match[2]);
  return timings;
}

function timing(stderr: string, name: string): number {
  const value = printedTimings(stderr)[name];
  if (value === undefined) throw new Error(`whisper-cli printed no ${name} time:\n${stderr.slice(-2000)}`);
  return value;
}

/** Transcribes `audioPath` (16 kHz WAV) with `model` on `threads` threads. */
export function whisperCppRun(cli: string, model: string, audioPath: string, threads: number, timeoutMs: number): Promise<WhisperCppResult> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing (GNU time measures whisper.cpp's CPU and peak RSS): apt-get install time`);
  const dir = mkdtempSync(join(tmpdir(), "whisper-cpp-"));
  const timeFile = join(dir, "time.txt");
  const args = ["-o", timeFile, "-f", "%e %U %S %M", cli, "-m", model, "-f", audioPath, "-t", String(threads), "-l", "en", "-bs", "1", "-bo", "1", "-nf", "-nt"];
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`whisper-cli failed (${signal ?? `exit ${String(code)}`}):\n${stderr.slice(-2000)}`);
        const [wall, user, system, maxKb] = readFileSync(timeFile, "utf8").trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
        if (wall === undefined || user === undefined || system === undefined || maxKb === undefined) throw new Error(`GNU time wrote nothing usable to ${timeFile}`);
        const loadMs = timing(stderr, "load");
        resolve({
          loadMs,
          transcribeMs: timing(stderr, "total") - loadMs,
          cpuMs: (user + system) * 1000,
          wallMs: wall * 1000,
          peakRss: maxKb * 1024,
          text: stdout.trim().replace(/\s+/g, " "),
          threads,
        });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

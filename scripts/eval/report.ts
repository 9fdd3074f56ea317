/**
 * The accuracy evaluation's results as a table: printed, and written as Markdown and JSON.
 */
import type { Score } from "./score";
import type { FeatureDifference, SampleDifference } from "./signal";

/** One clip's row. */
export interface Row {
  readonly file: string;
  readonly format: string;
  readonly language: string;
  readonly metric: "WER" | "CER";
  readonly script: string;
  readonly browser: { readonly text: string; readonly score: Score; readonly seconds: number; readonly status: string };
  readonly reference: { readonly text: string; readonly score: Score; readonly windows: number; readonly plainText?: string; readonly plainScore?: Score };
  /** browser rate − reference rate, in points. */
  readonly difference: number;
  /** The browser's decode of the file against ffmpeg's (what each model heard). */
  readonly input: SampleDifference;
  /** The same, as Whisper's log-mel input features. */
  readonly features: FeatureDifference;
}

function mel(features: FeatureDifference): string {
  return features.maxAbs === 0 ? "identical" : `${features.meanAbs.toFixed(4)} / ${features.maxAbs.toFixed(2)}`;
}

function snr(input: SampleDifference): string {
  const length = input.browserSamples === input.referenceSamples ? "" : ` (${input.browserSamples - input.referenceSamples > 0 ? "+" : ""}${input.browserSamples - input.referenceSamples} samples)`;
  return `${Number.isFinite(input.snrDb) ? input.snrDb.toFixed(1) : "identical"}${length}`;
}

/** Errors over all files of one metric, divided by all their script units (a pooled rate), per side. */
export function pooledRates(rows: readonly Row[]): { readonly metric: "WER" | "CER"; readonly files: number; readonly browser: number; readonly reference: number }[] {
  const out: { metric: "WER" | "CER"; files: number; browser: number; reference: number }[] = [];
  for (const metric of ["WER", "CER"] as const) {
    const group = rows.filter((row) => row.metric === metric);
    const units = group.reduce((sum, row) => sum + row.browser.score.reference, 0);
    if (group.length === 0 || units === 0) continue;
    const errors = (score: Row["browser"]["score"]): number => score.substitutions + score.deletions + score.insertions;
    out.push({
      metric,
      files: group.length,
      browser: (100 * group.reduce((sum, row) => sum + errors(row.browser.score), 0)) / units,
      reference: (100 * group.reduce((sum, row) => sum + errors(row.reference.score), 0)) / units,
    });
  }
  return out;
}

/** One line per metric: pooled browser and reference rates. */
export function pooledSummary(rows: readonly Row[]): string {
  return pooledRates(rows)
    .map((pool) => `Pooled ${pool.metric} over ${pool.files} file(s): browser ${points(pool.browser)}, reference ${points(pool.reference)} (difference ${signed(pool.browser - pool.reference)}).`)
    .join(" ");
}

function points(value: number): string {
  return value.toFixed(1);
}

function signed(value: number): string {
  const rounded = Number(value.toFixed(1));
  return `${rounded > 0 ? "+" : ""}${rounded.toFixed(1)}`;
}

/** The main table as Markdown: file, language, browser and reference error rate, difference. */
export function markdownTable(rows: readonly Row[], tolerance: number): string {
  const lines = [
    "| file | format | language | metric | browser | reference | difference | input SNR (dB) | log-mel Δ mean / max |",
    "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((row) => {
      const flag = Math.abs(row.difference) > tolerance ? " ⚠" : "";
      return `| ${row.file} | ${row.format} | ${row.language} | ${row.metric} | ${points(row.browser.score.rate)} | ${points(row.reference.score.rate)} | ${signed(row.difference)}${flag} | ${snr(row.input)} | ${mel(row.features)} |`;
    }),
  ];
  return lines.join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Full Markdown report: context, the table, then every transcript next to its script. */
export function markdownReport(rows: readonly Row[], context: Readonly<Record<string, string>>, tolerance: number, normalization: string): string {
  const worst = rows.reduce((max, row) => Math.max(max, Math.abs(row.difference)), 0);
  const verdict = rows.every((row) => Math.abs(row.difference) <= tolerance)
    ? `Every file is within ${tolerance} point (largest difference ${points(worst)}).`
    : `${rows.filter((row) => Math.abs(row.difference) > tolerance).length} file(s) differ by more than ${tolerance} point (largest ${points(worst)}).`;
  const sections = [
    "# Accuracy: browser (transformers.js, WASM) vs reference (onnxruntime CPU)",
    "",
    ...Object.entries(context).map(([key, value]) => `- ${key}: ${value}`),
    "",
    `Error rates in percent (points); difference = browser − reference. ${verdict}`,
    "Input SNR: the samples Chromium decoded for the app (16 kHz, channels averaged) against ffmpeg's decode that the reference used, best alignment within ±64 samples; \"identical\" means bit for bit. Log-mel Δ: mean and largest absolute difference of Whisper's normalised log-mel features (transformers.js' extractor; values span about 2) of the two decodes, first 30 s.",
    "",
    markdownTable(rows, tolerance),
    "",
    pooledSummary(rows),
    "",
    "## Normalisation",
    "",
    normalization,
    "",
    "## Transcripts",
    "",
    "| file | script | browser | reference |",
    "| --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row.file} | ${escapeCell(row.script)} | ${escapeCell(row.browser.text)} | ${escapeCell(row.reference.text)} |`),
  ];
  const plain = rows.filter((row) => row.reference.plainText !== undefined);
  if (plain.length > 0) {
    sections.push(
      "",
      "## Windowing",
      "",
      "Clips longer than 30 s: the reference windowed by the app's own orchestration (lib/transcription/long-transcription.ts: 30 s windows, the next one starting where the last complete segment began) vs reference-transcribe.py's fixed 30 s cut.",
      "",
      "| file | windows | reference, app windowing | reference, fixed 30 s cut |",
      "| --- | ---: | ---: | ---: |",
      ...plain.map((row) => `| ${row.file} | ${row.reference.windows} | ${points(row.reference.score.rate)} | ${row.reference.plainScore === undefined ? "" : points(row.reference.plainScore.rate)} |`),
      "",
      ...plain.map((row) => `- ${row.file}, plain: ${row.reference.plainText ?? ""}`),
    );
  }
  return `${sections.join("\n")}\n`;
}

/** A plain-text table for the terminal. */
export function consoleTable(rows: readonly Row[], tolerance: number): string {
  const header = ["file", "language", "browser", "reference", "difference", "input SNR dB", "log-mel diff mean/max"];
  const body = rows.map((row) => [
    row.file,
    `${row.language} (${row.metric})`,
    points(row.browser.score.rate),
    points(row.reference.score.rate),
    `${signed(row.difference)}${Math.abs(row.difference) > tolerance ? " !" : ""}`,
    snr(row.input),
    mel(row.features),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? "").length)));
  const format = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column >= 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join("  ");
  return [format(header), widths.map((width) => "-".repeat(width)).join("  "), ...body.map(format)].join("\n");
}

/**
 * Turns the benchmark's runs into one table: medians per model, runtime and audio length, the
 * browser/native ratio, and each row's goals marked met or missed. Printed as aligned text and
 * written as Markdown and JSON.
 */
import { lengthLabel } from "./audio";
import type { BenchModel } from "./models";

/**
 * Where a row ran. "(Hub)" rows are the default path: the same model in the Hub's unslimmed layout,
 * fetched from a local stand-in Hub and slimmed on the way in (scripts/bench/hub-path.ts).
 */
export type Runtime = "browser WASM" | "browser WASM (Hub)" | "browser WebGPU" | "node CPU" | "node CPU (Hub)";

/** The row a runtime's browser/native ratio is taken against. */
const NATIVE: Partial<Record<Runtime, Runtime>> = { "browser WASM": "node CPU", "browser WebGPU": "node CPU", "browser WASM (Hub)": "node CPU (Hub)" };
/** The self-hosted, pre-slimmed row a default-path row must keep up with. */
const SLIMMED: Partial<Record<Runtime, Runtime>> = { "browser WASM (Hub)": "browser WASM", "node CPU (Hub)": "node CPU" };

/** One run's numbers, in milliseconds and bytes. */
export interface RunSample {
  readonly loadMs: number;
  readonly transcribeMs: number;
  readonly transcribeCpuMs: number;
  /** Peak RSS: the Chromium renderer processes, or the whole Node process. */
  readonly peakBytes: number;
  /** The same process(es) with nothing loaded: the app page before a file (browser), Node after importing transformers.js. */
  readonly idleBytes: number;
  readonly windows: number;
  readonly words: number;
}

/** All runs of one model, runtime and audio length. */
export interface Series {
  readonly model: BenchModel;
  readonly runtime: Runtime;
  readonly audioSeconds: number;
  readonly runs: readonly RunSample[];
  /** Why there are no runs ("not measured: …"), or what went wrong. */
  readonly note?: string;
}

/** One goal of one row. */
export interface GoalCheck {
  readonly goal: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

/** One line of the table (medians over the runs). */
export interface Row {
  readonly model: BenchModel;
  readonly runtime: Runtime;
  readonly audioSeconds: number;
  readonly runs: number;
  readonly loadS: number | null;
  readonly transcribeS: number | null;
  readonly cpuS: number | null;
  readonly rtf: number | null;
  readonly peakMb: number | null;
  /** Browser: peak above an empty page (about:blank). Node: peak above the process before the model. */
  readonly aboveBaselineMb: number | null;
  /** Browser transcribe time over Node's for the same model and audio. */
  readonly ratio: number | null;
  /** The same ratio over CPU time. */
  readonly cpuRatio: number | null;
  /** Default-path rows: CPU time over the pre-slimmed row's (same model, runtime and audio). */
  readonly vsSlimmed: number | null;
  readonly goals: readonly GoalCheck[];
  readonly note?: string;
}

/** The targets from issue 8, for a 2-core machine. */
export const GOALS = {
  rtf: { "whisper-tiny": 0.15, "whisper-base": 0.25 },
  aboveEmptyMb: { "whisper-tiny": 250, "whisper-base": 400 },
  ratio: 2.0,
  /** The default path (Hub files, slimmed as fetched) may cost at most this much CPU over pre-slimmed files. */
  vsSlimmed: 1.1,
  /**
   * Node (the reference reads the whole WAV) may grow with audio length by the audio itself: 16 kHz
   * Float32 decoded plus the 16-bit WAV read to decode it.
   */
  growthBytesPerSecond: 16_000 * (4 + 2),
  /** The browser decodes files as a stream (issue 17): any length peaks within this of the shortest row. */
  browserGrowthMb: 50,
  /** Slack for measurement noise on top of that. */
  growthSlackMb: 20,
} as const;

const MB = 1024 * 1024;

/** Median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function med(runs: readonly RunSample[], pick: (run: RunSample) => number): number | null {
  return runs.length === 0 ? null : median(runs.map(pick));
}

/** Builds the rows, with goals checked against `emptyPageBytes` (renderer RSS of about:blank). */
export function buildRows(series: readonly Series[], emptyPageBytes: number | null): Row[] {
  const find = (model: BenchModel, runtime: Runtime, seconds: number): Series | undefined =>
    series.find((item) => item.model === model && item.runtime === runtime && item.audioSeconds === seconds);
  return series.map((item) => {
    const loadMs = med(item.runs, (run) => run.loadMs);
    const transcribeMs = med(item.runs, (run) => run.transcribeMs);
    const cpuMs = med(item.runs, (run) => run.transcribeCpuMs);
    const peak = med(item.runs, (run) => run.peakBytes);
    const browser = item.runtime.startsWith("browser");
    const baseline = browser ? emptyPageBytes : med(item.runs, (run) => run.idleBytes);
    const nativeRuntime = NATIVE[item.runtime];
    const native = nativeRuntime === undefined ? undefined : find(item.model, nativeRuntime, item.audioSeconds);
    const slimmedRuntime = SLIMMED[item.runtime];
    const slimmed = slimmedRuntime === undefined ? undefined : find(item.model, slimmedRuntime, item.audioSeconds);
    const slimmedCpuMs = slimmed === undefined ? null : med(slimmed.runs, (run) => run.transcribeCpuMs);
    const vsSlimmed = cpuMs === null || slimmedCpuMs === null ? null : cpuMs / slimmedCpuMs;
    const nativeMs = native === undefined ? null : med(native.runs, (run) => run.transcribeMs);
    const nativeCpuMs = native === undefined ? null : med(native.runs, (run) => run.transcribeCpuMs);
    const transcribeS = transcribeMs === null ? null : transcribeMs / 1000;
    const rtf = transcribeS === null ? null : transcribeS / item.audioSeconds;
    const aboveBaselineMb = peak === null || baseline === null ? null : (peak - baseline) / MB;
    const ratio = transcribeMs === null || nativeMs === null ? null : transcribeMs / nativeMs;
    const goals: GoalCheck[] = [];
    if (browser && rtf !== null) {
      const target = GOALS.rtf[item.model];
      goals.push({ goal: "RTF", target: `≤ ${target}`, value: rtf.toFixed(3), met: rtf <= target });
    }
    if (vsSlimmed !== null) goals.push({ goal: "CPU vs slimmed", target: `≤ ${GOALS.vsSlimmed}`, value: vsSlimmed.toFixed(2), met: vsSlimmed <= GOALS.vsSlimmed });
    if (browser && ratio !== null) goals.push({ goal: "browser/native", target: `≤ ${GOALS.ratio}`, value: ratio.toFixed(2), met: ratio <= GOALS.ratio });
    if (browser && aboveBaselineMb !== null) {
      const target = GOALS.aboveEmptyMb[item.model];
      goals.push({ goal: "peak above empty page", target: `≤ ${target} MB`, value: `${aboveBaselineMb.toFixed(0)} MB`, met: aboveBaselineMb <= target });
    }
    const shortest = series
      .filter((other) => other.model === item.model && other.runtime === item.runtime && other.runs.length > 0)
      .sort((a, b) => a.audioSeconds - b.audioSeconds)[0];
    if (shortest !== undefined && shortest.audioSeconds < item.audioSeconds && peak !== null) {
      const shortPeak = med(shortest.runs, (run) => run.peakBytes);
      if (shortPeak !== null) {
        const growth = (peak - shortPeak) / MB;
        const allowed = browser ? GOALS.browserGrowthMb : ((item.audioSeconds - shortest.audioSeconds) * GOALS.growthBytesPerSecond) / MB + GOALS.growthSlackMb;
        goals.push({ goal: `growth over ${lengthLabel(shortest.audioSeconds)}`, target: `≤ ${allowed.toFixed(0)} MB`, value: `${growth.toFixed(0)} MB`, met: growth <= allowed });
      }
    }
    return {
      model: item.model,
      runtime: item.runtime,
      audioSeconds: item.audioSeconds,
      runs: item.runs.length,
      loadS: loadMs === null ? null : loadMs / 1000,
      transcribeS,
      cpuS: cpuMs === null ? null : cpuMs / 1000,
      rtf,
      peakMb: peak === null ? null : peak / MB,
      aboveBaselineMb,
      ratio,
      cpuRatio: cpuMs === null || nativeCpuMs === null ? null : cpuMs / nativeCpuMs,
      vsSlimmed,
      goals,
      ...(item.note === undefined ? {} : { note: item.note }),
    };
  });
}

const HEADER = ["model", "runtime", "audio", "runs", "load s", "transcribe s", "CPU s", "RTF", "peak MB", "above base MB", "browser/native", "CPU ratio", "CPU vs slimmed", "goals"];

function fixed(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? "—" : value.toFixed(digits);
}

function goalText(row: Row): string {
  if (row.note !== undefined && row.runs === 0) return row.note;
  if (row.goals.length === 0) return row.runtime.startsWith("node") ? "reference" : "—";
  const missed = row.goals.filter((goal) => !goal.met);
  if (missed.length === 0) return `met (${row.goals.map((goal) => goal.goal).join(", ")})`;
  return `MISSED: ${missed.map((goal) => `${goal.goal} ${goal.value} (${goal.target})`).join("; ")}`;
}

function cells(row: Row): string[] {
  return [
    row.model.replace("whisper-", ""),
    row.runtime,
    lengthLabel(row.audioSeconds),
    String(row.runs),
    fixed(row.loadS, 2),
    fixed(row.transcribeS, 1),
    fixed(row.cpuS, 1),
    fixed(row.rtf, 3),
    fixed(row.peakMb, 0),
    fixed(row.aboveBaselineMb, 0),
    fixed(row.ratio, 2),
    fixed(row.cpuRatio, 2),
    fixed(row.vsSlimmed, 2),
    goalText(row),
  ];
}

/** The table as aligned plain text. */
export function textTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((title, column) => Math.max(title.length, ...body.map((line) => (line[column] ?? "").length)));
  const format = (line: readonly string[]): string =>
    line
      .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [format(HEADER), format(widths.map((width) => "-".repeat(width))), ...body.map(format)].join("\n");
}

/** The table and its context as Markdown. */
export function markdownReport(rows: readonly Row[], context: Readonly<Record<string, string>>): string {
  const escape = (cell: string): string => cell.replaceAll("|", "\\|");
  const lines = [
    "# Benchmark: Whisper tiny and base, browser (WASM q8) against Node (onnxruntime-node), self-hosted slimmed files and the default path (Hub files slimmed on fetch)",
    "",
    ...Object.entries(context).map(([key, value]) => `- **${key}**: ${value}`),
    "",
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${cells(row).map(escape).join(" | ")} |`),
    "",
  ];
  return lines.join("\n");
}

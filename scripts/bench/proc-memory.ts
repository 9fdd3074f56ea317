/**
 * Resident memory of a process tree, read from Linux's /proc: used to sample the Chromium renderer
 * (the page and its transcription worker live in one renderer process) while a benchmark runs.
 * RSS counts shared library pages in every process; the benchmark compares sums taken the same way
 * (an empty page against a working one), so those cancel out.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = ((): number => {
  const value = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout);
  return Number.isFinite(value) && value > 0 ? value : 100;
})();

/** One process as /proc describes it. */
export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  /**
   * Chromium's `--type=` (renderer, gpu-process, utility, zygote…), with "-ui" added for renderers of
   * the browser's own UI or extensions; "browser" for the main process, "" for others.
   */
  readonly kind: string;
  /** Resident set size, bytes. */
  readonly rss: number;
  /** Peak resident set size of the process so far (VmHWM), bytes. */
  readonly hwm: number;
  /** The RSS in its three kinds: anonymous (heaps, JIT code), file-backed (Chromium's own code and data, shared with its other processes), shared memory (SharedArrayBuffers, such as a threaded WASM heap); bytes. */
  readonly parts: RssParts;
}

/** Resident memory by kind, from /proc/<pid>/status (RssAnon, RssFile, RssShmem), bytes. */
export interface RssParts {
  readonly anon: number;
  readonly file: number;
  readonly shmem: number;
}

function partsOf(status: string): RssParts {
  return { anon: statusField(status, "RssAnon"), file: statusField(status, "RssFile"), shmem: statusField(status, "RssShmem") };
}

function sumParts(parts: readonly RssParts[]): RssParts {
  return { anon: sum(parts.map((part) => part.anon)), file: sum(parts.map((part) => part.file)), shmem: sum(parts.map((part) => part.shmem)) };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
}

function statFields(pid: number): string[] | null {
  const stat = readText(`/proc/${pid}/stat`);
  // The command name in parentheses may hold spaces; the fields after its closing parenthesis do not.
  return stat === null ? null : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function parentOf(pid: number): number | null {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isFinite(ppid) ? ppid : null;
}

/** CPU time (user + system) `pid` has used, in seconds; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
  return fields === null ? 0 : (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * The command line of `pid` as separate arguments, or null when the process is gone. Chromium's
 * child processes rewrite their title as one space-separated string, so spaces split too.
 */
export function commandLine(pid: number): string[] | null {
  const raw = readText(`/proc/${pid}/cmdline`);
  return raw === null ? null : raw.split(/[\0 ]/).filter((arg) => arg !== "");
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** PIDs whose command line contains `needle` as one whole argument. */
export function findProcesses(needle: string): number[] {
  return allPids().filter((pid) => commandLine(pid)?.includes(needle) === true);
}

/** `root` and all its descendants that still exist, with their memory. */
export function processTree(root: number): ProcInfo[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: ProcInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    if (pid === undefined) break;
    const status = readText(`/proc/${pid}/status`);
    const args = commandLine(pid);
    if (status !== null && args !== null) {
      const type = args.find((arg) => arg.startsWith("--type="));
      // Renderers of Chromium's own UI and of extensions are not pages: kept apart from "renderer".
      const ui = args.includes("--top-chrome-webui") || args.includes("--extension-process");
      out.push({
        pid,
        ppid: parentOf(pid) ?? 0,
        kind: type === undefined ? (pid === root ? "browser" : "") : `${type.slice("--type=".length)}${ui ? "-ui" : ""}`,
        rss: statusField(status, "VmRSS"),
        hwm: statusField(status, "VmHWM"),
        parts: partsOf(status),
      });
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** One mapping of a process's address space, from /proc/<pid>/smaps; bytes. */
export interface MemoryRegion {
  readonly size: number;
  readonly rss: number;
  /** Its permissions ("rw-p", "r-xp") and its file, or "" for anonymous memory. */
  readonly perms: string;
  readonly name: string;
}

/** The `count` mappings with the most resident memory over `pids`, largest first. */
export function largestRegions(pids: readonly number[], count = 8): MemoryRegion[] {
  const regions: MemoryRegion[] = [];
  for (const pid of pids) {
    const text = readText(`/proc/${pid}/smaps`);
    if (text === null) continue;
    let current: { size: number; rss: number; perms: string; name: string } | null = null;
    for (const line of text.split("\n")) {
      const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
      if (header !== null) {
        current = { size: parseInt(header[2] ?? "0", 16) - parseInt(header[1] ?? "0", 16), rss: 0, perms: header[3] ?? "", name: header[4] ?? "" };
        regions.push(current);
      } else if (current !== null && line.startsWith("Rss:")) {
        current.rss = Number(/(\d+) kB/.exec(line)?.[1] ?? 0) * 1024;
      }
    }
  }
  return regions.sort((a, b) => b.rss - a.rss).slice(0, count);
}

/** Peak and last sums seen by a {@link MemorySampler}, bytes. */
export interface MemoryPeak {
  /** Highest sum of RSS over the page renderer processes (not Chromium's UI) at one sample. */
  readonly rendererPeak: number;
  /** When that sample was taken (epoch ms), and the renderers' RSS by kind at it. */
  readonly rendererPeakAt: number;
  readonly rendererPeakParts: RssParts;
  /**
   * The renderers' largest mappings near the peak: read again whenever the peak has risen 4 MB
   * above the last reading (smaps is too costly to read at every sample), so within 4 MB of it.
   */
  readonly rendererPeakRegions: readonly MemoryRegion[];
  /** Highest sum of RSS over the whole tree (browser, GPU, utility, renderers) at one sample. */
  readonly treePeak: number;
  /** Sum of VmHWM over renderer processes at the last sample: an upper bound between samples. */
  readonly rendererHwm: number;
  readonly samples: number;
  /** (epoch ms, CPU seconds used by the renderer processes so far) at every sample. */
  readonly cpu: readonly (readonly [number, number])[];
  /** (epoch ms, renderer RSS in bytes) at every sample. */
  readonly rss: readonly (readonly [number, number])[];
}

/** How far the peak rises before the sampler reads the renderers' mappings again, bytes. */
const REGIONS_STEP = 4 * 2 ** 20;

/**
 * Samples a process tree every `intervalMs` until stopped. Between full scans of /proc (every
 * `rescanMs`, to pick up new processes) only the known processes' status files are read, so the
 * sampler itself costs well under 1% of a core.
 */
export class MemorySampler {
  private rendererPeak = 0;
  private rendererPeakAt = 0;
  private rendererPeakParts: RssParts = { anon: 0, file: 0, shmem: 0 };
  private rendererPeakRegions: readonly MemoryRegion[] = [];
  private regionsAt = 0;
  private treePeak = 0;
  private rendererHwm = 0;
  private samples = 0;
  private readonly cpu: [number, number][] = [];
  private readonly rss: [number, number][] = [];
  private known: { pid: number; kind: string }[] = [];
  private lastScan = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly root: number,
    intervalMs = 100,
    private readonly rescanMs = 2000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now (also called by the timer). */
  sample(): void {
    let tree: ProcInfo[];
    if (Date.now() - this.lastScan >= this.rescanMs) {
      tree = processTree(this.root);
      this.known = tree.map(({ pid, kind }) => ({ pid, kind }));
      this.lastScan = Date.now();
    } else {
      tree = [];
      for (const { pid, kind } of this.known) {
        const status = readText(`/proc/${pid}/status`);
        if (status !== null) tree.push({ pid, ppid: 0, kind, rss: statusField(status, "VmRSS"), hwm: statusField(status, "VmHWM"), parts: partsOf(status) });
      }
    }
    const renderers = pageRenderers(tree);
    const rendererRss = sum(renderers.map((proc) => proc.rss));
    if (rendererRss > this.rendererPeak) {
      this.rendererPeak = rendererRss;
      this.rendererPeakAt = Date.now();
      this.rendererPeakParts = sumParts(renderers.map((proc) => proc.parts));
      if (rendererRss >= this.regionsAt + REGIONS_STEP) {
        this.rendererPeakRegions = largestRegions(renderers.map((proc) => proc.pid));
        this.regionsAt = rendererRss;
      }
    }
    this.rss.push([Date.now(), rendererRss]);
    this.treePeak = Math.max(this.treePeak, sum(tree.map((proc) => proc.rss)));
    this.rendererHwm = Math.max(this.rendererHwm, sum(renderers.map((proc) => proc.hwm)));
    this.cpu.push([Date.now(), sum(renderers.map((proc) => cpuSeconds(proc.pid)))]);
    this.samples += 1;
  }

  stop(): MemoryPeak {
    clearInterval(this.timer);
    this.lastScan = 0;
    this.sample();
    return { rendererPeak: this.rendererPeak, rendererPeakAt: this.rendererPeakAt, rendererPeakParts: this.rendererPeakParts, rendererPeakRegions: this.rendererPeakRegions, treePeak: this.treePeak, rendererHwm: this.rendererHwm, samples: this.samples, cpu: this.cpu, rss: this.rss };
  }
}

/**
 * Where in a run a moment falls: "loading" before the model was loaded, else the window it fell
 * in ("window 2 of 3", windows given by the times they ended), or "after the last window".
 */
export function runPhase(at: number, loadedAt: number, windowEnds: readonly number[]): string {
  if (at < loadedAt) return "loading";
  const index = windowEnds.findIndex((end) => at <= end);
  return index === -1 ? "after the last window" : `window ${index + 1} of ${windowEnds.length}`;
}

/** The value of a (epoch ms, value) timeline at the sample nearest to `time`; 0 for an empty one. */
export function valueAt(timeline: readonly (readonly [number, number])[], time: number): number {
  let best = timeline[0];
  for (const point of timeline) if (Math.abs(point[0] - time) < Math.abs((best?.[0] ?? Infinity) - time)) best = point;
  return best?.[1] ?? 0;
}

/** The page renderers (not Chromium's UI) among `tree`. */
function pageRenderers(tree: readonly ProcInfo[]): ProcInfo[] {
  return tree.filter((proc) => proc.kind === "renderer");
}

/** Sum of page renderer RSS in the tree under `root` right now, bytes. */
export function rendererRss(root: number): number {
  return sum(pageRenderers(processTree(root)).map((proc) => proc.rss));
}

/** Sum of page renderer RSS by kind in the tree under `root` right now, bytes. */
export function rendererParts(root: number): RssParts {
  return sumParts(pageRenderers(processTree(root)).map((proc) => proc.parts));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

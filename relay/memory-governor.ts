/**
 * Keeps the relay's memory flat while it streams audio. Every chunk read from Telegram is a fresh
 * Buffer outside the JS heap; V8 frees such buffers only when a garbage collection runs, and its
 * own heuristic lets tens of megabytes of them pile up first, so at 50 concurrent streams the
 * resident size would grow with throughput. The governor counts streamed bytes and asks V8 for a
 * cheap young-generation collection every few megabytes; when buffer memory stays high anyway
 * (chunks that waited out backpressure got promoted to the old generation), a full collection,
 * at most a few per second; and one more when streaming pauses.
 *
 * It needs V8's `gc` function: from `--expose-gc`, or enabled at run time through
 * `v8.setFlagsFromString` (as Jest's leak detector does). Without it the governor only counts
 * (and says so once).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createLogger } from "../lib/logger";

const log = createLogger("relay:memory");

type Collect = (type: "minor" | "major") => void;

/** Buffer memory above which a full collection is worth its few milliseconds. */
const MAJOR_THRESHOLD_BYTES = 12 * 1024 * 1024;
const MIN_MAJOR_INTERVAL_MS = 250;
const IDLE_COLLECT_MS = 1000;

function findGc(): Collect | null {
  let gc: unknown = Reflect.get(globalThis, "gc");
  if (typeof gc !== "function") {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc");
    } catch {
      gc = undefined;
    }
  }
  if (typeof gc !== "function") return null;
  const fn = gc;
  return (type) => {
    Reflect.apply(fn, undefined, [{ type }]);
  };
}

/** Counts streamed bytes and collects garbage every `stepBytes`; see the module comment. */
export class MemoryGovernor {
  private readonly gc: Collect | null;
  private readonly stepBytes: number;
  private sinceCollect = 0;
  private lastMajor = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /** `stepBytes` 0 turns the governor off. */
  constructor(stepBytes: number) {
    this.stepBytes = stepBytes;
    this.gc = stepBytes > 0 ? findGc() : null;
    if (stepBytes > 0 && this.gc === null) log.warn("V8's gc() is not available; memory may grow with streaming throughput (run node with --expose-gc)");
  }

  /** Call for every chunk streamed through the relay. */
  account(bytes: number): void {
    const gc = this.gc;
    if (gc === null) return;
    this.sinceCollect += bytes;
    if (this.idleTimer === null) {
      this.idleTimer = setTimeout(() => this.idle(), IDLE_COLLECT_MS);
      this.idleTimer.unref();
    } else {
      this.idleTimer.refresh();
    }
    if (this.sinceCollect < this.stepBytes) return;
    this.sinceCollect = 0;
    const now = Date.now();
    if (now - this.lastMajor >= MIN_MAJOR_INTERVAL_MS && process.memoryUsage().arrayBuffers > MAJOR_THRESHOLD_BYTES) {
      this.lastMajor = now;
      gc("major");
    } else {
      gc("minor");
    }
  }

  /** Streaming paused: collect what is left, so idle memory is back at the baseline. */
  private idle(): void {
    this.idleTimer = null;
    this.sinceCollect = 0;
    this.lastMajor = Date.now();
    this.gc?.("major");
  }

  /** Stops the idle timer (shutdown, tests). */
  stop(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

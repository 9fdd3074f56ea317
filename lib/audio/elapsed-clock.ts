/** The recorder's elapsed time, pauses left out. */

/** Elapsed-time bookkeeping that leaves out pauses. Times are milliseconds from any monotonic clock. */
export class ElapsedClock {
  private accumulated = 0;
  private runningSince: number | null = null;

  /** Starts or resumes counting at `now`; does nothing if already counting. */
  start(now: number): void {
    this.runningSince ??= now;
  }

  /** Stops counting at `now` (pause or stop); does nothing if not counting. */
  pause(now: number): void {
    if (this.runningSince === null) return;
    this.accumulated += Math.max(0, now - this.runningSince);
    this.runningSince = null;
  }

  /** True while counting. */
  get running(): boolean {
    return this.runningSince !== null;
  }

  /** Milliseconds counted up to `now`. */
  elapsed(now: number): number {
    return this.accumulated + (this.runningSince === null ? 0 : Math.max(0, now - this.runningSince));
  }
}

/**
 * A fixed-window rate limiter keyed by string (a user, an address), in memory and bounded: idle
 * keys are dropped as windows pass. Use one per kind of limit (new jobs, API requests, link attempts).
 */

/** Answer of {@link RateLimiter.take}. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** Allows `limit` hits per `windowMs` per key. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit for `key` at `now` and says whether it is allowed. */
  take(key: string, now: number): RateDecision {
    this.sweep(now);
    const current = this.windows.get(key);
    if (current === undefined || now - current.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return { ok: true };
    }
    if (current.count >= this.limit) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((current.start + this.windowMs - now) / 1000)) };
    }
    current.count += 1;
    return { ok: true };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}

/** The recording level: RMS readings from a stream of samples, and their mapping to a meter. */

/**
 * Turns a stream of chunks into a level reading every `intervalSamples` samples: the RMS of the
 * samples since the last reading, 0..1 (a full-scale sine reads ~0.71; speech usually 0.02–0.3;
 * {@link levelToMeter} spreads that for display).
 */
export class LevelMeter {
  private sum = 0;
  private count = 0;

  constructor(
    private readonly intervalSamples: number,
    private readonly onLevel: (rms: number) => void,
  ) {
    if (!(intervalSamples > 0)) throw new RangeError(`invalid level interval ${intervalSamples}`);
  }

  /** Adds samples, calling `onLevel` each time an interval fills up. */
  push(chunk: Float32Array): void {
    for (const value of chunk) {
      this.sum += value * value;
      this.count += 1;
      if (this.count >= this.intervalSamples) {
        this.onLevel(Math.min(1, Math.sqrt(this.sum / this.count)));
        this.sum = 0;
        this.count = 0;
      }
    }
  }

  /** Forgets the partial interval (after a pause, say). */
  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * Maps an RMS level (0..1) to a meter position (0..1) on a decibel scale from `floorDb` (default
 * −60 dBFS → 0) to 0 dBFS (→ 1), so quiet speech still moves the meter.
 */
export function levelToMeter(rms: number, floorDb = -60): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(Math.min(1, rms));
  return Math.min(1, Math.max(0, 1 - db / floorDb));
}

/** Small readers shared by the device probes: numbers the browser reports, and waiting with a limit. */

/** `value` when it is a finite positive number, else undefined (browsers report 0 or junk for "unknown"). */
export function positiveNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** What {@link withTimeout} resolves with when the time ran out. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/** `promise`, or {@link TIMED_OUT} after `ms`; the timer is cleared either way. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Calling methods of host objects we only know as `unknown` (Telegram's proxy, sessionStorage). */

/**
 * `value[method]` bound to `value` when it is a function, else null. Use it to call methods of
 * objects the page did not create (they may be missing, or throw in sandboxed frames) without casts.
 */
export function callable(value: unknown, method: string): ((...args: unknown[]) => unknown) | null {
  if (typeof value !== "object" || value === null) return null;
  const fn: unknown = Reflect.get(value, method);
  return typeof fn === "function" ? (...args: unknown[]) => Reflect.apply(fn, value, args) : null;
}

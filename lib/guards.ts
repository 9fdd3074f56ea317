/**
 * Type guards for values of unknown shape (parsed JSON, messages from a worker or another tab,
 * errors thrown by libraries). Use these before reading fields of anything that crossed a boundary.
 */

/** True for a plain object (not null, not an array), whose fields can then be read and checked. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

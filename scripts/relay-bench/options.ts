/** Command-line reading shared by the relay scripts: `--name value` pairs, numbers clamped to bounds. */

/** The value after `--name`, or undefined. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

/** `--name` as a number within [min, max] (rounded unless `fractional`); `fallback` when absent. */
export function boundedNumber(argv: readonly string[], name: string, fallback: number, min: number, max: number, fractional = false): number {
  const n = Number(argValue(argv, name) ?? fallback);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number`);
  const clamped = Math.min(max, Math.max(min, n));
  return fractional ? clamped : Math.round(clamped);
}

/** `--name` as one of `choices`; `fallback` when absent. */
export function choice<T extends string>(argv: readonly string[], name: string, choices: readonly T[], fallback: T): T {
  const raw = argValue(argv, name) ?? fallback;
  const found = choices.find((option) => option === raw);
  if (found === undefined) throw new Error(`${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  return found;
}

/** `--node-flags "--a --b"` split into flags (anything not starting with `--` is dropped). */
export function nodeFlags(argv: readonly string[]): string[] {
  return (argValue(argv, "--node-flags") ?? "").split(" ").filter((flag) => flag.startsWith("--"));
}

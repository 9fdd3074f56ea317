/**
 * The environment reader behind `parseConfig`: trimmed values, whole numbers in a range, URLs of
 * given schemes. Use it in every config parser so all problems are reported together.
 */
import type { ConfigProblem } from "./config";

/** Reads typed values from the environment and collects every problem instead of stopping at the first. */
export class Reader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  /** The trimmed value, or null when unset or blank. */
  raw(variable: string): string | null {
    const value = this.env[variable]?.trim();
    return value === undefined || value === "" ? null : value;
  }

  problem(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }

  integer(variable: string, fallback: number, min: number, max: number): number {
    const text = this.raw(variable);
    if (text === null) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problem(variable, `must be a whole number from ${min} to ${max}, got "${text}"`);
      return fallback;
    }
    return value;
  }

  url(variable: string, protocols: readonly string[]): URL | null {
    const text = this.raw(variable);
    if (text === null) return null;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.problem(variable, `must be an absolute URL, got "${text}"`);
      return null;
    }
    if (!protocols.includes(url.protocol)) {
      this.problem(variable, `must use ${protocols.map((p) => p.replace(":", "")).join(" or ")}, got "${text}"`);
      return null;
    }
    return url;
  }
}

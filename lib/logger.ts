/**
 * A tiny namespaced logger. Use it instead of `console.*` so every line says where it came from
 * (`[relay:http] …`) and tests can silence a namespace with `LOG_LEVEL=silent`. Every line and
 * every detail passes through {@link formatForLog}: secrets are redacted here, for every caller.
 */
import { formatForLog, redactSecrets } from "./redact";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function isLevel(value: string | undefined): value is LogLevel {
  return value !== undefined && Object.prototype.hasOwnProperty.call(ORDER, value);
}

function currentLevel(): LogLevel {
  const fromEnv = typeof process !== "undefined" ? process.env?.LOG_LEVEL : undefined;
  return isLevel(fromEnv) ? fromEnv : "info";
}

/** A logger bound to one namespace; create one per module with {@link createLogger}. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** Creates a logger whose lines start with `[namespace]`; the level is read from `LOG_LEVEL` (default info). */
export function createLogger(namespace: string): Logger {
  const emit = (level: Exclude<LogLevel, "silent">, message: string, details: unknown[]): void => {
    if (ORDER[level] < ORDER[currentLevel()]) return;
    const line = redactSecrets(`[${namespace}] ${message}`);
    // The one place that writes to the console.
    // eslint-disable-next-line no-console
    (level === "debug" ? console.debug : level === "info" ? console.info : level === "warn" ? console.warn : console.error)(line, ...details.map(formatForLog));
  };
  return {
    debug: (m, ...d) => emit("debug", m, d),
    info: (m, ...d) => emit("info", m, d),
    warn: (m, ...d) => emit("warn", m, d),
    error: (m, ...d) => emit("error", m, d),
  };
}

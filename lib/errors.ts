/**
 * Base class for every error this project throws on purpose. Subclasses carry a stable `code`
 * (safe to show or to switch on) and readonly context; the original failure rides in `cause`.
 * Throw these, never plain objects or strings, so one top-level handler can report them.
 */
export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

/** Turns anything caught into a one-line message fit for a log or a status line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Removes secrets from text before it is logged or answered: Telegram bot tokens (bare or as
 * `bot<token>` in Bot API URLs), bearer headers, session and lease tokens, and any value registered
 * with {@link registerSecret}. The logger applies it to every line and every detail, errors
 * included (message, stack and nested causes), so no call site can forget it.
 */

/** What a removed secret is replaced with. */
export const REDACTED = "<redacted>";

const registered = new Set<string>();

/**
 * Use once at start-up for every configured secret (the bot token, the webhook secret): its exact
 * value is then replaced wherever it appears, whatever its format.
 */
export function registerSecret(secret: string | null | undefined): void {
  if (secret !== null && secret !== undefined && secret.length >= 8) registered.add(secret);
}

const BASE64URL = "A-Za-z0-9_-";

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Bot API URLs: https://api.telegram.org/bot123:ABC/getFile and /file/bot123:ABC/…
  [/bot\d+:[A-Za-z0-9_-]+/g, `bot${REDACTED}`],
  // A bare bot token as BotFather gives it.
  [/(?<![\w-])\d{5,}:[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, `$1${REDACTED}`],
  // JSON or query fields named like a secret.
  [/("(?:token|leaseToken|lease_token|secret|initData|init_data)"\s*:\s*")[^"]*"/gi, `$1${REDACTED}"`],
  [/([?&](?:token|secret|initData)=)[^&\s]*/gi, `$1${REDACTED}`],
  // Session (32 bytes) and lease (16 bytes) tokens: base64url runs of exactly 43 or 22 characters
  // that mix upper case, lower case and digits, as random tokens do and identifiers rarely do.
  [new RegExp(`(?<![${BASE64URL}])(?=[${BASE64URL}]*[A-Z])(?=[${BASE64URL}]*[a-z])(?=[${BASE64URL}]*\\d)(?:[${BASE64URL}]{43}|[${BASE64URL}]{22})(?![${BASE64URL}])`, "g"), REDACTED],
];

/** Use on any text that may be logged or sent out: `text` with every secret replaced. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of registered) result = result.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** How deep nested causes are followed. */
const MAX_CAUSE_DEPTH = 6;

function causeOf(error: Error): unknown {
  if (error.cause !== undefined) return error.cause;
  // grammY's HttpError keeps the failed fetch's error in `error`, not `cause`.
  const wrapped: unknown = Reflect.get(error, "error");
  return wrapped instanceof Error ? wrapped : undefined;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Use to log an error or any other value: one redacted text with the stack (or name and message)
 * and every nested cause, so the whole chain can be read but no secret in it.
 */
export function formatForLog(value: unknown): string {
  if (!(value instanceof Error)) return redactSecrets(describeValue(value));
  const parts: string[] = [describeValue(value)];
  const seen = new Set<unknown>([value]);
  let cause = causeOf(value);
  for (let depth = 0; cause !== undefined && !seen.has(cause) && depth < MAX_CAUSE_DEPTH; depth += 1) {
    seen.add(cause);
    parts.push(`caused by: ${describeValue(cause)}`);
    cause = cause instanceof Error ? causeOf(cause) : undefined;
  }
  return redactSecrets(parts.join("\n"));
}

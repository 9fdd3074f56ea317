/**
 * Telegram Mini App init data, as plain parsing shared by the browser (which reads it from the
 * launch parameters, see launch-params.ts) and the relay (which checks its signature). Browser-safe: the
 * HMAC check itself lives in `relay/auth/verify-init-data.ts`, because it needs the bot token.
 */
import { isRecord } from "../guards";
import type { Parsed } from "../relay/parse";

/** The user object inside init data, as Telegram sends it (snake_case). */
export interface InitDataUser {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly language_code?: string;
}

/** Init data split into its fields, plus the values the relay needs. */
export interface InitDataFields {
  /** Every field but `hash`, in the order received, values decoded. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  /** Lower-case hex HMAC sent by Telegram. */
  readonly hash: string;
  /** Seconds since the epoch. */
  readonly authDate: number;
  readonly user: InitDataUser | null;
}

function parseUser(json: string): InitDataUser | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  const { id, first_name: firstName, last_name: lastName, username, language_code: languageCode } = value;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || typeof firstName !== "string") return null;
  return {
    id,
    first_name: firstName,
    ...(typeof lastName === "string" ? { last_name: lastName } : {}),
    ...(typeof username === "string" ? { username } : {}),
    ...(typeof languageCode === "string" ? { language_code: languageCode } : {}),
  };
}

/**
 * Splits an init data string into fields. Does not check the signature; use it to show who the
 * user is, and on the relay before the HMAC check. Fails on a missing `hash` or `auth_date`,
 * repeated keys, or a `user` field that is not a user object.
 */
export function parseInitData(initData: string): Parsed<InitDataFields> {
  const params = new URLSearchParams(initData);
  const seen = new Set<string>();
  const fields: Array<readonly [string, string]> = [];
  let hash: string | null = null;
  for (const [key, value] of params) {
    if (seen.has(key)) return { ok: false, error: `init data repeats the field "${key}"` };
    seen.add(key);
    if (key === "hash") hash = value;
    else fields.push([key, value]);
  }
  if (hash === null || !/^[0-9a-f]{64}$/i.test(hash)) return { ok: false, error: "init data has no valid hash" };
  const authDateText = params.get("auth_date");
  const authDate = authDateText === null ? Number.NaN : Number(authDateText);
  if (!Number.isSafeInteger(authDate) || authDate <= 0) return { ok: false, error: "init data has no valid auth_date" };
  const userText = params.get("user");
  const user = userText === null ? null : parseUser(userText);
  if (userText !== null && user === null) return { ok: false, error: "init data has a malformed user" };
  return { ok: true, value: { fields, hash: hash.toLowerCase(), authDate, user } };
}

/**
 * The string Telegram signs: every field except `hash` (including `signature`, when present) as
 * `key=value`, sorted by key, joined with line feeds.
 */
export function dataCheckString(fields: ReadonlyArray<readonly [string, string]>): string {
  return [...fields]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

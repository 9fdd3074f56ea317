/**
 * Checks Telegram Mini App init data the way Telegram documents it: the secret key is
 * HMAC-SHA256(key = "WebAppData", message = bot token); the hash is the hex HMAC-SHA256 of the
 * data-check string (every field but `hash`, sorted, `key=value` lines) under that key. The
 * comparison is timing-safe and `auth_date` must be recent. Use it before linking a session.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { RelayUser } from "../../lib/relay/protocol";
import { dataCheckString, parseInitData } from "../../lib/telegram/init-data";
import { toRelayUser } from "../telegram/to-relay-user";
import { UnauthorizedError } from "../errors";

/** Why init data was refused; the HTTP layer answers 401 with the message. */
export class InitDataError extends UnauthorizedError {
  override readonly name: string = "InitDataError";
  readonly reason: "malformed" | "forged" | "expired" | "no-user";

  constructor(reason: InitDataError["reason"], message: string) {
    super(message, { context: { reason } });
    this.reason = reason;
  }
}

/** What signed init data proves. */
export interface VerifiedInitData {
  readonly user: RelayUser;
  /** Seconds since the epoch. */
  readonly authDate: number;
}

/** Clock skew tolerated for an `auth_date` in the future. */
const FUTURE_SKEW_SECONDS = 60;

/** HMAC-SHA256 of `dataCheck` under the bot's Web App secret key, as lower-case hex. */
function signDataCheckString(dataCheck: string, botToken: string): string {
  const secretKey = createHmac("sha256", "WebAppData").update(botToken).digest();
  return createHmac("sha256", secretKey).update(dataCheck).digest("hex");
}

/**
 * Verifies `initData` (the raw string from `tgWebAppData`) for the bot with `botToken`.
 * Throws {@link InitDataError} when it is malformed, forged, older than `maxAgeSeconds`, or has no user.
 */
export function verifyInitData(initData: string, botToken: string, maxAgeSeconds: number, nowMs: number): VerifiedInitData {
  const parsed = parseInitData(initData);
  if (!parsed.ok) throw new InitDataError("malformed", `init data is malformed: ${parsed.error}`);
  const { fields, hash, authDate, user } = parsed.value;

  const expected = Buffer.from(signDataCheckString(dataCheckString(fields), botToken), "hex");
  const given = Buffer.from(hash, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InitDataError("forged", "init data signature does not match this bot");
  }
  const nowSeconds = Math.floor(nowMs / 1000);
  if (nowSeconds - authDate > maxAgeSeconds) {
    throw new InitDataError("expired", `init data is older than ${maxAgeSeconds} s; reopen the Mini App`);
  }
  if (authDate - nowSeconds > FUTURE_SKEW_SECONDS) {
    throw new InitDataError("expired", "init data auth_date is in the future");
  }
  if (user === null) throw new InitDataError("no-user", "init data carries no user");
  return { user: toRelayUser(user), authDate };
}

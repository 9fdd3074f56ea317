/**
 * Random secrets the relay hands out (session tokens, leases, `/link` codes) and the hashes it
 * keeps instead of them. Use these rather than ad-hoc `Math.random` so every secret is
 * crypto-strong and every stored copy is a hash.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import { CODE_ALPHABET, LINK_CODE_LENGTH } from "../../lib/relay/link-code";

/** A session token: 32 random bytes, base64url. Shown to the browser once, stored only hashed. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A lease token: 16 random bytes, base64url. */
export function newLeaseToken(): string {
  return randomBytes(16).toString("base64url");
}

/** SHA-256 hex of a secret, for storage and lookup. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A one-time `/link` code such as "7KQ2-M9XD". */
export function newLinkCode(): string {
  let code = "";
  for (let i = 0; i < LINK_CODE_LENGTH; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)] ?? "0";
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

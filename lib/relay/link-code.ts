/**
 * The one-time `/link` codes the bot hands out, as both sides read them: the relay makes and checks
 * them, the page normalises what the user typed before sending it. One definition, so a code the
 * page accepts is a code the relay can match.
 */

/** Crockford's base32 alphabet: no I, L, O or U, so codes survive being read aloud or retyped. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Length of a `/link` code without the dash (40 bits). */
export const LINK_CODE_LENGTH = 8;

/**
 * The canonical form of a code as a user typed it: upper case, spaces and dashes dropped, and the
 * look-alikes O→0, I/L→1 folded. Returns null when it cannot be a code.
 */
export function normalizeLinkCode(input: string): string | null {
  const folded = input
    .toUpperCase()
    .replace(/[\s-]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (folded.length !== LINK_CODE_LENGTH) return null;
  for (const char of folded) if (!CODE_ALPHABET.includes(char)) return null;
  return folded;
}

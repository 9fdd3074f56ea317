/**
 * Splits long text into pieces that fit one Telegram message (4096 characters), preferring
 * paragraph, line, sentence and word boundaries, never cutting a surrogate pair. Use it for every
 * transcript the bot sends.
 */

/** Telegram's limit on the text of one message, in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;

const BREAKS: readonly RegExp[] = [/\n\s*\n/g, /\n/g, /[.!?…。！？]\s/g, /\s/g];

function lastBreak(window: string, pattern: RegExp): number {
  let best = -1;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
    best = match.index + match[0].length;
    if (match[0].length === 0) pattern.lastIndex += 1;
  }
  return best;
}

/** Returns pieces of at most `limit` characters whose concatenation, trimmed per piece, is `text`. */
export function splitMessage(text: string, limit: number = TELEGRAM_TEXT_LIMIT): string[] {
  if (limit < 2) throw new RangeError("limit must be at least 2");
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = -1;
    for (const pattern of BREAKS) {
      const at = lastBreak(window, pattern);
      // A break in the first quarter would leave a tiny piece; try a finer boundary instead.
      if (at > limit / 4) {
        cut = at;
        break;
      }
    }
    if (cut <= 0) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const piece = rest.slice(0, cut).trim();
    if (piece.length > 0) pieces.push(piece);
    rest = rest.slice(cut).trim();
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

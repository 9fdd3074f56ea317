/**
 * The keyboard of the audio player beside a transcript: Space plays or pauses, the arrows seek.
 * Pure, so the page's handler only applies what this decides.
 */

/** How far one arrow press seeks, in seconds (Shift: {@link FINE_SEEK_SECONDS}). */
export const SEEK_SECONDS = 5;
/** How far Shift + arrow seeks, in seconds. */
export const FINE_SEEK_SECONDS = 1;

/** What a key press does to the player. */
export type PlayerKeyAction = { readonly kind: "toggle" } | { readonly kind: "seek-by"; readonly seconds: number };

/** The key press as the handler sees it: the key, Shift, and the focused element's tag (upper case, as `tagName`). */
export interface PlayerKey {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly targetTag: string;
  /** True when the focused element is editable (`isContentEditable`). */
  readonly editable?: boolean;
}

/** Elements whose own keyboard use comes first: typing, choosing, the seek slider. */
const OWN_KEYS: ReadonlySet<string> = new Set(["INPUT", "TEXTAREA", "SELECT"]);

/**
 * What `press` does, or null when the player should leave it alone: other keys, modifiers other
 * than Shift are the caller's to filter, and presses in text fields, menus and sliders keep their
 * usual meaning. Space on a button plays or pauses instead of pressing it (Enter still presses it).
 */
export function playerKeyAction(press: PlayerKey): PlayerKeyAction | null {
  if (OWN_KEYS.has(press.targetTag) || press.editable === true) return null;
  const step = press.shiftKey ? FINE_SEEK_SECONDS : SEEK_SECONDS;
  switch (press.key) {
    case " ":
    case "k":
      return { kind: "toggle" };
    case "ArrowLeft":
      return { kind: "seek-by", seconds: -step };
    case "ArrowRight":
      return { kind: "seek-by", seconds: step };
    default:
      return null;
  }
}

/**
 * The undo history of an edited transcript: earlier versions, newest last, bounded so a long
 * editing session cannot grow memory without limit. Immutable, so React state can hold it as is.
 */

/** How many earlier versions {@link pushUndo} keeps by default. */
export const UNDO_LIMIT = 100;

/** Earlier versions, oldest first; the last one is what {@link popUndo} restores. */
export type UndoStack<T> = readonly T[];

/** The stack with `previous` (the version about to be replaced) on top; the oldest fall off past `limit`. */
export function pushUndo<T>(stack: UndoStack<T>, previous: T, limit: number = UNDO_LIMIT): UndoStack<T> {
  const next = [...stack, previous];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** The version to restore and the stack without it, or null when there is nothing to undo. */
export function popUndo<T>(stack: UndoStack<T>): { readonly restored: T; readonly stack: UndoStack<T> } | null {
  const restored = stack[stack.length - 1];
  return restored === undefined ? null : { restored, stack: stack.slice(0, -1) };
}

import { describe, expect, it } from "vitest";
import { popUndo, pushUndo, UNDO_LIMIT } from "../../../../lib/transcript/undo-stack";

describe("the undo stack", () => {
  it("restores versions newest first, then has nothing left", () => {
    let stack = pushUndo(pushUndo([], "v1"), "v2");
    const first = popUndo(stack);
    expect(first?.restored).toBe("v2");
    stack = first?.stack ?? [];
    expect(popUndo(stack)?.restored).toBe("v1");
    expect(popUndo(popUndo(stack)?.stack ?? [])).toBeNull();
  });

  it("never changes the stack it is given", () => {
    const stack = pushUndo([], 1);
    pushUndo(stack, 2);
    popUndo(stack);
    expect(stack).toEqual([1]);
  });

  it("keeps only the newest versions past its limit", () => {
    let stack: readonly number[] = [];
    for (let i = 0; i < UNDO_LIMIT + 5; i += 1) stack = pushUndo(stack, i);
    expect(stack).toHaveLength(UNDO_LIMIT);
    expect(stack[0]).toBe(5);
    expect(pushUndo([1, 2, 3], 4, 2)).toEqual([3, 4]);
  });
});

import { describe, expect, test } from "vitest";
import { BusyGate } from "@/lib/telegram/busy-gate";

describe("BusyGate", () => {
  test("waiters resolve when the gate goes idle, at once when it is idle", async () => {
    const gate = new BusyGate();
    await expect(gate.whenIdle()).resolves.toBeUndefined();
    expect(gate.set(true)).toBe(true);
    expect(gate.set(true)).toBe(false);
    let woke = false;
    const waiting = gate.whenIdle().then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    gate.set(false);
    await waiting;
    expect(woke).toBe(true);
    expect(gate.isBusy).toBe(false);
  });

  test("wakeAll releases waiters while still busy (the runner is disposed)", async () => {
    const gate = new BusyGate();
    gate.set(true);
    const waiting = gate.whenIdle();
    gate.wakeAll();
    await expect(waiting).resolves.toBeUndefined();
    expect(gate.isBusy).toBe(true);
  });
});

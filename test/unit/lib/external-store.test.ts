import { describe, expect, test } from "vitest";
import { ExternalStore } from "@/lib/external-store";

class Counter extends ExternalStore<{ readonly count: number }> {
  constructor() {
    super({ count: 0 });
  }
  bump(): void {
    this.publish({ count: this.snapshot.count + 1 });
  }
  dispose(): void {
    this.dropListeners();
  }
}

describe("ExternalStore", () => {
  test("publishes new snapshots to listeners until they unsubscribe or the store is disposed", () => {
    const store = new Counter();
    const first = store.getSnapshot();
    const seen: number[] = [];
    const stop = store.subscribe(() => seen.push(store.getSnapshot().count));
    store.bump();
    expect(store.getSnapshot()).not.toBe(first);
    stop();
    store.bump();
    store.subscribe(() => seen.push(-1));
    store.dispose();
    store.bump();
    expect(seen).toEqual([1]);
    expect(store.getSnapshot().count).toBe(3);
  });
});

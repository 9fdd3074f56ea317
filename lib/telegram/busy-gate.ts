/**
 * Whether the page's transcriber is busy with the user's own work, and a way to wait until it is
 * not. The jobs runner holds one: a Telegram job never interrupts a file the user is transcribing,
 * it waits here and goes on when the page is free again.
 */
export class BusyGate {
  private busy = false;
  private waiters: Array<() => void> = [];

  /** True while the transcriber works for the user. */
  get isBusy(): boolean {
    return this.busy;
  }

  /** Records the new state; returns false when nothing changed. Going idle wakes every waiter. */
  set(busy: boolean): boolean {
    if (busy === this.busy) return false;
    this.busy = busy;
    if (!busy) this.wakeAll();
    return true;
  }

  /** Resolves at once when idle, else when the transcriber next goes idle (or {@link wakeAll}). */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter (going idle, or the runner being disposed). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

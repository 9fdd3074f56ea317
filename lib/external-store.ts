/**
 * The small external store behind the app's plain objects (the transcription session, the Telegram
 * jobs runner): immutable snapshots and change listeners, the shape React's `useSyncExternalStore`
 * reads. Extend it and call {@link ExternalStore.publish} with each new snapshot.
 */
export class ExternalStore<T> {
  private current: T;
  private readonly listeners = new Set<() => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  /** Adds a change listener; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The current state (a new object after every change). */
  readonly getSnapshot = (): T => this.current;

  /** The snapshot as the subclass last published it. */
  protected get snapshot(): T {
    return this.current;
  }

  /** Replaces the snapshot and tells every listener. */
  protected publish(next: T): void {
    this.current = next;
    for (const listener of [...this.listeners]) listener();
  }

  /** Forgets every listener (when the object is disposed). */
  protected dropListeners(): void {
    this.listeners.clear();
  }
}

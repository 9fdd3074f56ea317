/**
 * The open event streams of this relay process, by Telegram user. It answers "is any session of
 * this user connected here?", fans events out to every stream of a user, and closes streams on
 * `/unlink` and shutdown. In-process only: with several relays (Redis), each keeps its own hub, the
 * event bus (`event-bus.ts`) brings every relay's events to it, and presence (`presence.ts`)
 * answers "online anywhere?" from what each hub reports through {@link SessionHub.onPresenceChange}.
 */
import type { LocalStreams, SseMessage } from "../ports/local-streams";

/** An open stream. */
export interface Subscriber {
  readonly sessionId: string;
  deliver(message: SseMessage): void;
  close(): void;
}

/** Registry of open streams; see the module comment. */
export class SessionHub implements LocalStreams {
  private readonly byUser = new Map<number, Set<Subscriber>>();
  private readonly presenceListeners = new Set<(userId: number, online: boolean) => void>();
  private count = 0;

  /**
   * Calls `listener` when a user's first stream on this relay opens (`true`) or their last one
   * closes (`false`). Returns a function that removes the listener.
   */
  onPresenceChange(listener: (userId: number, online: boolean) => void): () => void {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  }

  /** Users with at least one open stream on this relay. */
  users(): number[] {
    return [...this.byUser.keys()];
  }

  private announce(userId: number, online: boolean): void {
    for (const listener of this.presenceListeners) listener(userId, online);
  }

  /** Registers a stream; call the returned function when it closes. */
  add(userId: number, subscriber: Subscriber): () => void {
    let set = this.byUser.get(userId);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(subscriber);
    this.count += 1;
    if (first) this.announce(userId, true);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.count -= 1;
      const current = this.byUser.get(userId);
      current?.delete(subscriber);
      if (current?.size === 0) {
        this.byUser.delete(userId);
        this.announce(userId, false);
      }
    };
  }

  /** Sends `message` to every open stream of `userId`. */
  publish(userId: number, message: SseMessage): void {
    for (const subscriber of this.byUser.get(userId) ?? []) subscriber.deliver(message);
  }

  /** True when at least one stream of `userId` is open. */
  isOnline(userId: number): boolean {
    return (this.byUser.get(userId)?.size ?? 0) > 0;
  }

  /** Open streams, for /healthz. */
  get connections(): number {
    return this.count;
  }

  /** Closes the streams of one user, or of one of their sessions. */
  closeUser(userId: number, sessionId?: string): void {
    for (const subscriber of [...(this.byUser.get(userId) ?? [])]) {
      if (sessionId === undefined || subscriber.sessionId === sessionId) subscriber.close();
    }
  }

  /** Closes every stream (shutdown). */
  closeAll(): void {
    for (const set of [...this.byUser.values()]) for (const subscriber of [...set]) subscriber.close();
  }
}

/**
 * The port through which job events reach the open event streams of every relay. `emit` writes the
 * event to the owner's durable log (for replay by `Last-Event-ID`) and delivers it to the owner's
 * streams; `closeStreams` ends a user's streams (sign-out, `/unlink`) wherever they are held.
 * Implemented by `LocalEventBus` (`relay/events/`, one relay) and `RedisEventBus` (`relay/redis/`).
 */
import type { StoredEvent } from "./relay-store";

/** See the module comment; the services emit through this, never to the hub directly. */
export interface EventBus {
  /** Appends to the owner's log and delivers to the owner's open streams on every relay. */
  emit(ownerId: number, name: string, data: string, now: number): Promise<StoredEvent>;
  /** Closes the streams of `userId` (only those of `sessionId` when given) on every relay. */
  closeStreams(userId: number, sessionId: string | null): Promise<void>;
  /** Stops listening (the store is closed separately). */
  close(): Promise<void>;
}

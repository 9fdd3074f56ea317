/**
 * How job events reach the open event streams of every relay. `emit` writes the event to the
 * owner's durable log (for replay by `Last-Event-ID`) and delivers it to the owner's streams;
 * `closeStreams` ends a user's streams (sign-out, `/unlink`) wherever they are held.
 *
 * {@link LocalEventBus} is the one-relay form (SQLite): the store and this process' hub.
 * `RedisEventBus` (`relay/redis/`) is the form for several relays on Redis: the store publishes
 * each event on a channel every relay subscribes to.
 */
import type { RelayStore, StoredEvent } from "../ports/relay-store";
import type { EventBus } from "../ports/event-bus";
import type { SessionHub } from "./session-hub";

/** The {@link EventBus} of a single relay: log in the store, delivery through this process' hub. */
export class LocalEventBus implements EventBus {
  constructor(
    private readonly store: RelayStore,
    private readonly hub: SessionHub,
  ) {}

  async emit(ownerId: number, name: string, data: string, now: number): Promise<StoredEvent> {
    const event = await this.store.appendEvent(ownerId, name, data, now);
    this.hub.publish(ownerId, { id: event.id, name: event.name, data: event.data });
    return event;
  }

  async closeStreams(userId: number, sessionId: string | null): Promise<void> {
    this.hub.closeUser(userId, sessionId ?? undefined);
  }

  async close(): Promise<void> {
    // Nothing to stop: delivery is a function call.
  }
}

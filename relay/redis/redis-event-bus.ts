/**
 * The {@link EventBus} of several relays on one Redis: `emit` runs the store's append script, which
 * writes the event to the owner's log and publishes it on the bus channel in the same step; every
 * relay (this one included) subscribes to that channel and hands each event to its own hub, so a
 * job created on relay A reaches a browser whose stream is held by relay B. "Close the streams of
 * this user" orders travel the same way.
 *
 * Pub/sub forgets what it sends while a subscriber is disconnected. So when the subscription comes
 * back after a break, this relay closes its streams: the browsers reconnect with `Last-Event-ID`
 * and replay what they missed from the durable log.
 */
import type { Redis } from "ioredis";
import { createLogger } from "../../lib/logger";
import { isRecord } from "../../lib/guards";
import type { LocalStreams } from "../ports/local-streams";
import type { RedisStore } from "./redis-store";
import type { StoredEvent } from "../ports/relay-store";
import { closeRedis, toStoreError } from "./redis-connection";
import type { EventBus } from "../ports/event-bus";

const log = createLogger("relay:bus");

/** A message on the bus channel, as parsed. */
type BusMessage =
  | { readonly kind: "event"; readonly ownerId: number; readonly id: number; readonly name: string; readonly data: string }
  | { readonly kind: "close"; readonly userId: number; readonly sessionId: string | null };

/** Parses a bus message; null for anything malformed (logged, never thrown). */
export function parseBusMessage(text: string): BusMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  const owner = Number(value.o);
  if (!Number.isSafeInteger(owner)) return null;
  if (value.t === "event") {
    const id = Number(value.i);
    if (!Number.isSafeInteger(id) || typeof value.n !== "string" || typeof value.d !== "string") return null;
    return { kind: "event", ownerId: owner, id, name: value.n, data: value.d };
  }
  if (value.t === "close") {
    const session = value.s;
    if (session !== null && typeof session !== "string") return null;
    return { kind: "close", userId: owner, sessionId: session };
  }
  return null;
}

/** See the module comment. Call {@link RedisEventBus.start} before use. */
export class RedisEventBus implements EventBus {
  private started = false;

  constructor(
    private readonly store: RedisStore,
    /** A connection of its own: a subscribed connection takes no other commands. */
    private readonly subscriber: Redis,
    private readonly hub: LocalStreams,
  ) {}

  /** Subscribes; resolves once this relay hears the channel. */
  async start(): Promise<void> {
    const channel = this.store.busChannel;
    this.subscriber.on("message", (from: string, text: string) => {
      if (from !== channel) return;
      const message = parseBusMessage(text);
      if (message === null) {
        log.warn(`ignored a malformed bus message: ${text.slice(0, 200)}`);
        return;
      }
      switch (message.kind) {
        case "event":
          this.hub.publish(message.ownerId, { id: message.id, name: message.name, data: message.data });
          return;
        case "close":
          this.hub.closeUser(message.userId, message.sessionId ?? undefined);
          return;
      }
    });
    this.subscriber.on("ready", () => {
      if (!this.started) return;
      // Back after a break: once subscribed again, let every stream resume from the durable log.
      this.subscriber
        .subscribe(channel)
        .then(() => {
          log.info(`event bus reconnected; closing ${this.hub.connections} stream(s) so they replay what they missed`);
          this.hub.closeAll();
        })
        .catch((error: unknown) => log.warn("could not subscribe to the event bus again", error));
    });
    await this.subscriber.subscribe(channel);
    this.started = true;
  }

  emit(ownerId: number, name: string, data: string, now: number): Promise<StoredEvent> {
    return this.store.appendEvent(ownerId, name, data, now);
  }

  async closeStreams(userId: number, sessionId: string | null): Promise<void> {
    try {
      await this.store.client.publish(this.store.busChannel, JSON.stringify({ t: "close", o: String(userId), s: sessionId }));
    } catch (error) {
      throw toStoreError(error, "closing streams");
    }
  }

  async close(): Promise<void> {
    this.started = false;
    await closeRedis(this.subscriber);
  }
}

/** The event bus between relays on a real redis-server: delivery, close orders, and recovery after Redis restarts. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SessionHub } from "../../../../relay/events/session-hub";
import { connectRedis } from "../../../../relay/redis/redis-connection";
import { RedisEventBus } from "../../../../relay/redis/redis-event-bus";
import { RedisStore } from "../../../../relay/redis/redis-store";
import { eventually } from "../harness";
import { startRedisServer, type RedisServer } from "../redis-server";
import type { SseMessage } from "../../../../relay/ports/local-streams";

let redis: RedisServer;
let tests = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

/** One relay's view: its hub, its store connection and its bus. */
async function relay(prefix: string): Promise<{ hub: SessionHub; bus: RedisEventBus; store: RedisStore; close(): Promise<void> }> {
  const hub = new SessionHub();
  const store = new RedisStore(await connectRedis(redis.url, { name: "bus-test" }), prefix);
  const bus = new RedisEventBus(store, await connectRedis(redis.url, { name: "bus-test:sub" }), hub);
  await bus.start();
  return {
    hub,
    bus,
    store,
    async close() {
      await bus.close();
      await store.close();
    },
  };
}

function listen(hub: SessionHub, userId: number, sessionId = "s1"): { messages: SseMessage[]; closed: () => boolean } {
  const messages: SseMessage[] = [];
  let closed = false;
  const remove = hub.add(userId, {
    sessionId,
    deliver: (message) => messages.push(message),
    close: () => {
      closed = true;
      remove();
    },
  });
  return { messages, closed: () => closed };
}

describe("RedisEventBus", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const item of open.splice(0)) await item.close();
  });

  async function pair(): Promise<[Awaited<ReturnType<typeof relay>>, Awaited<ReturnType<typeof relay>>]> {
    tests += 1;
    const a = await relay(`bus${tests}:`);
    const b = await relay(`bus${tests}:`);
    open.push(a, b);
    return [a, b];
  }

  it("delivers an event emitted on one relay to the streams held by every relay, once, with its log id", async () => {
    const [a, b] = await pair();
    const onA = listen(a.hub, 1);
    const onB = listen(b.hub, 1);
    const other = listen(b.hub, 2);
    const event = await a.bus.emit(1, "job", '{"id":"j1"}', 1000);
    await eventually(() => (onA.messages.length === 1 && onB.messages.length === 1 ? true : undefined), 2000, "delivery");
    expect(onB.messages).toEqual([{ id: event.id, name: "job", data: '{"id":"j1"}' }]);
    expect(onA.messages).toEqual(onB.messages);
    expect(other.messages).toEqual([]);
    expect(await b.store.eventsAfter(1, 0, 10)).toMatchObject([{ id: event.id, name: "job" }]);
  });

  it("closes a user's streams, or one session's, on every relay", async () => {
    const [a, b] = await pair();
    const s1 = listen(b.hub, 5, "s1");
    const s2 = listen(b.hub, 5, "s2");
    await a.bus.closeStreams(5, "s1");
    await eventually(() => (s1.closed() ? true : undefined), 2000, "session closed");
    expect(s2.closed()).toBe(false);
    await a.bus.closeStreams(5, null);
    await eventually(() => (s2.closed() ? true : undefined), 2000, "user closed");
  });

  it("closes its streams when the subscription comes back after Redis restarted, so they replay from the log", async () => {
    const [a, b] = await pair();
    const stream = listen(b.hub, 9);
    await redis.restart();
    await eventually(() => (stream.closed() ? true : undefined), 10_000, "streams closed after the reconnect");
    const again = listen(b.hub, 9);
    await a.bus.emit(9, "job", "{}", 2000);
    await eventually(() => (again.messages.length === 1 ? true : undefined), 5000, "delivery after the restart");
  });
});

import { describe, expect, it } from "vitest";
import { parseBusMessage } from "../../../../relay/redis/redis-event-bus";

describe("parseBusMessage", () => {
  it("reads events as the append script publishes them", () => {
    expect(parseBusMessage(JSON.stringify({ t: "event", o: "42", i: "17", n: "job", d: '{"id":"x"}' }))).toEqual({
      kind: "event",
      ownerId: 42,
      id: 17,
      name: "job",
      data: '{"id":"x"}',
    });
  });

  it("reads close orders for a user or one session", () => {
    expect(parseBusMessage(JSON.stringify({ t: "close", o: "-5", s: null }))).toEqual({ kind: "close", userId: -5, sessionId: null });
    expect(parseBusMessage(JSON.stringify({ t: "close", o: "5", s: "abc" }))).toEqual({ kind: "close", userId: 5, sessionId: "abc" });
  });

  it("ignores anything malformed", () => {
    for (const text of ["", "nope", "[]", '{"t":"event","o":"x","i":"1","n":"job","d":"{}"}', '{"t":"event","o":"1","i":"1.5","n":"job","d":"{}"}', '{"t":"event","o":"1","i":"2","n":3,"d":"{}"}', '{"t":"close","o":"1","s":5}', '{"t":"other","o":"1"}']) {
      expect(parseBusMessage(text)).toBeNull();
    }
  });
});

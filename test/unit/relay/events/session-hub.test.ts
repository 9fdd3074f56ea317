import { describe, expect, it } from "vitest";
import { SessionHub } from "../../../../relay/events/session-hub";

const stream = (sessionId: string) => ({ sessionId, deliver: () => undefined, close: () => undefined });

describe("SessionHub", () => {
  it("reports a user's first stream opening and last stream closing, once each", () => {
    const hub = new SessionHub();
    const changes: Array<[number, boolean]> = [];
    const stop = hub.onPresenceChange((userId, online) => changes.push([userId, online]));
    const a = hub.add(1, stream("a"));
    const b = hub.add(1, stream("b"));
    hub.add(2, stream("c"));
    expect(hub.users().sort()).toEqual([1, 2]);
    a();
    a();
    expect(changes).toEqual([
      [1, true],
      [2, true],
    ]);
    b();
    expect(changes.at(-1)).toEqual([1, false]);
    expect(hub.users()).toEqual([2]);
    stop();
    hub.add(3, stream("d"));
    expect(changes).toHaveLength(3);
  });

  it("closes one session's streams or all of a user's", () => {
    const hub = new SessionHub();
    const closed: string[] = [];
    const open = (sessionId: string): void => {
      const remove = hub.add(1, {
        sessionId,
        deliver: () => undefined,
        close: () => {
          closed.push(sessionId);
          remove();
        },
      });
    };
    open("a");
    open("b");
    hub.closeUser(1, "a");
    expect(closed).toEqual(["a"]);
    expect(hub.isOnline(1)).toBe(true);
    hub.closeUser(1);
    expect(closed).toEqual(["a", "b"]);
    expect(hub.isOnline(1)).toBe(false);
  });
});

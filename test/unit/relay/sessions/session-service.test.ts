import { beforeEach, describe, expect, it } from "vitest";
import type { EventBus } from "../../../../relay/ports/event-bus";
import { SessionService } from "../../../../relay/sessions/session-service";
import { openSqliteStore, type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { FAKE_TOKEN, initDataFor, testUser } from "../../../support/fake-bot-api";

const DAY_MS = 86_400_000;

describe("SessionService lifetimes", () => {
  let store: SqliteStore;
  let clock: number;
  let closed: Array<[number, string | null]>;
  let service: SessionService;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    clock = Date.now();
    closed = [];
    const bus: EventBus = {
      emit: () => Promise.reject(new Error("not used")),
      closeStreams: async (userId, sessionId) => {
        closed.push([userId, sessionId]);
      },
      close: async () => undefined,
    };
    service = new SessionService({
      store,
      bus,
      botToken: FAKE_TOKEN,
      initDataMaxAgeSeconds: 3600,
      limits: { idleSeconds: 2 * 86_400, maxAgeSeconds: 5 * 86_400, perUser: 3 },
      now: () => clock,
    });
  });

  const bearer = (token: string): string => `Bearer ${token}`;

  it("slides the idle expiry with use and ends a session left idle too long", async () => {
    const { token } = await service.linkWithInitData(initDataFor(FAKE_TOKEN, testUser(1)));
    clock += 1.5 * DAY_MS;
    await service.authenticate(bearer(token));
    clock += 1.5 * DAY_MS;
    // 3 days after sign-in but 1.5 days after the last use: still alive.
    await expect(service.authenticate(bearer(token))).resolves.toMatchObject({ userId: 1 });
    clock += 2.1 * DAY_MS;
    await expect(service.authenticate(bearer(token))).rejects.toMatchObject({ status: 401, message: expect.stringContaining("expired") });
    // And it is gone from the store.
    await expect(service.authenticate(bearer(token))).rejects.toMatchObject({ message: expect.stringContaining("unknown") });
  });

  it("ends a session at its absolute lifetime however often it is used", async () => {
    const { token } = await service.linkWithInitData(initDataFor(FAKE_TOKEN, testUser(1)));
    for (let day = 1; day <= 4; day += 1) {
      clock += DAY_MS;
      await service.authenticate(bearer(token));
    }
    clock += 1.1 * DAY_MS;
    await expect(service.authenticate(bearer(token))).rejects.toMatchObject({ status: 401 });
  });

  it("keeps at most the per-user cap, signing out the oldest", async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      clock += 1000;
      tokens.push((await service.linkWithInitData(initDataFor(FAKE_TOKEN, testUser(1)))).token);
    }
    expect(await store.listUserSessions(1)).toHaveLength(3);
    await expect(service.authenticate(bearer(tokens[0] ?? ""))).rejects.toMatchObject({ status: 401 });
    await expect(service.authenticate(bearer(tokens[1] ?? ""))).rejects.toMatchObject({ status: 401 });
    await expect(service.authenticate(bearer(tokens[4] ?? ""))).resolves.toMatchObject({ userId: 1 });
    expect(closed).toHaveLength(2);
  });

  it("refuses init data issued before /unlink, and accepts newer init data", async () => {
    const before = initDataFor(FAKE_TOKEN, testUser(1), 5);
    const { token } = await service.linkWithInitData(before);
    expect(await service.unlinkUser(1)).toBe(1);
    await expect(service.authenticate(bearer(token))).rejects.toMatchObject({ status: 401 });
    await expect(service.linkWithInitData(before)).rejects.toMatchObject({ status: 401, message: expect.stringContaining("/unlink") });
    clock += 2000;
    await expect(service.linkWithInitData(initDataFor(FAKE_TOKEN, testUser(1), -2))).resolves.toMatchObject({ user: { id: 1 } });
  });

  it("refuses init data older than its maximum age", async () => {
    await expect(service.linkWithInitData(initDataFor(FAKE_TOKEN, testUser(1), 3601))).rejects.toMatchObject({ status: 401 });
  });

  it("prunes expired sessions", async () => {
    await service.linkWithInitData(initDataFor(FAKE_TOKEN, testUser(1)));
    clock += DAY_MS;
    await service.linkWithInitData(initDataFor(FAKE_TOKEN, testUser(2), -86_400));
    expect(await service.pruneExpired()).toBe(0);
    clock += 1.5 * DAY_MS;
    expect(await service.pruneExpired()).toBe(1);
    expect(await store.listUserSessions(1)).toEqual([]);
    expect(await store.listUserSessions(2)).toHaveLength(1);
  });
});

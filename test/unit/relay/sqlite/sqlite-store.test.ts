/**
 * What only the SQLite store does. Its behaviour as a store (jobs, leases, results, codes, events)
 * is checked by the contract suite shared with the Redis store: test/integration/relay/store-contract.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewJob } from "../../../../relay/ports/relay-store";
import { openSqliteStore } from "../../../../relay/sqlite/sqlite-store";

function newJob(id: string, sourceMessageId: number): NewJob {
  return {
    id,
    ownerId: 1,
    chatId: 1,
    sourceMessageId,
    media: { fileId: `f-${id}`, fileUniqueId: `u-${id}`, kind: "voice", duration: 3, mime: "audio/ogg", size: 100, fileName: null },
    languageHint: null,
    createdAt: 1000,
    expiresAt: 100_000,
  };
}

describe("SqliteStore on disk", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "relay-store-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates its folder and survives reopening (WAL) with jobs, leases and results", async () => {
    const path = join(dir, "nested", "relay.sqlite");
    const first = openSqliteStore(path);
    await first.insertJob(newJob("j1", 10));
    await first.activateJob("j1", 11, "working");
    await first.claimJob("j1", 1, { token: "a", sessionId: "s1", expiresAt: 5000 }, 2000);
    await first.close();
    const second = openSqliteStore(path);
    expect(await second.getJob("j1")).toMatchObject({ state: "claimed", statusMessageId: 11, lease: { token: "a", sessionId: "s1", expiresAt: 5000 } });
    await second.close();
  });

  it("refuses a file written by a newer relay", async () => {
    const path = join(dir, "relay.sqlite");
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    expect(() => openSqliteStore(path)).toThrow(/schema version 99/);
  });

  it("counts event ids per user: another user's events leave a user's bounds unchanged", async () => {
    const store = openSqliteStore(":memory:");
    const a = await store.appendEvent(1, "job", "{}", 1);
    await store.appendEvent(2, "job", "{}", 2);
    await store.appendEvent(2, "job", "{}", 3);
    expect(await store.eventBounds(1)).toEqual({ oldest: a.id, latest: a.id });
    await store.prune(2, 2);
    expect(await store.eventBounds(1)).toEqual({ oldest: a.id + 1, latest: a.id });
    expect(await store.eventBounds(2)).toEqual({ oldest: 1, latest: 2 });
    await store.close();
  });

  it("adds the owner's language tag column to a file written before it, keeping its jobs", async () => {
    const path = join(dir, "before-tag.sqlite");
    const before = openSqliteStore(path);
    await before.insertJob({ ...newJob("old", 1), ownerLocale: "ru" });
    await before.close();
    // What a relay of the same schema version wrote before jobs kept the tag.
    const db = new Database(path);
    db.exec("ALTER TABLE jobs DROP COLUMN owner_language_code;");
    db.close();
    const store = openSqliteStore(path);
    const old = await store.getJob("old");
    expect(old?.ownerLocale).toBe("ru");
    expect(old?.ownerLanguageCode ?? null).toBeNull();
    await store.insertJob({ ...newJob("new", 2), ownerLanguageCode: "uk" });
    expect((await store.getJob("new"))?.ownerLanguageCode).toBe("uk");
    await store.close();
  });

  it("migrates a version-1 file: sessions get last_seen_at, events keep their ids and counters continue", async () => {
    const path = join(dir, "v1.sqlite");
    await openSqliteStore(path).close();
    // Turn the fresh file back into what a version-1 relay wrote.
    const db = new Database(path);
    db.exec(`
      DROP INDEX events_owner_seq;
      ALTER TABLE events DROP COLUMN seq;
      DROP TABLE event_counters;
      DROP TABLE unlinked_users;
      ALTER TABLE sessions DROP COLUMN last_seen_at;
      INSERT INTO sessions VALUES ('h1', 1, '{"id":1,"firstName":"A","lastName":null,"username":null,"languageCode":null}', 50);
      INSERT INTO events (owner_id, name, data, created_at) VALUES (1, 'job', '{}', 1), (2, 'job', '{}', 2), (1, 'job', '{}', 3);
      PRAGMA user_version = 1;
    `);
    db.close();
    const store = openSqliteStore(path);
    expect((await store.findSession("h1"))?.lastSeenAt).toBe(50);
    expect((await store.eventsAfter(1, 0, 10)).map((event) => event.id)).toEqual([1, 3]);
    expect((await store.appendEvent(2, "job", "{}", 4)).id).toBe(4);
    await store.close();
  });
});

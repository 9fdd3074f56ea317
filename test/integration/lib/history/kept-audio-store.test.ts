import { afterEach, describe, expect, it, vi } from "vitest";
import { IDBDatabase as FakeDatabase, IDBFactory as FakeFactory, IDBObjectStore as FakeObjectStore } from "fake-indexeddb";
import { AUDIO_INFO_STORE, AUDIO_STORE, HISTORY_DB_NAME, HISTORY_STORE } from "../../../../lib/history/idb-database";
import { openTranscriptHistory, type TranscriptHistory } from "../../../../lib/history/idb-store";
import { parseHistoryFile, toHistoryFile } from "../../../../lib/history/history-file";
import { generateRecords } from "../../../support/generated-history";
import { record } from "../../../support/transcript-record";

// A real IndexedDB implementation (fake-indexeddb): multi-store transactions, upgrades and Blob values as a browser has them.

const wav = (bytes: number): Blob => new Blob([new Uint8Array(bytes).fill(7)], { type: "audio/wav" });

async function open(factory: IDBFactory = new FakeFactory(), now = (): number => 9_000): Promise<TranscriptHistory> {
  return openTranscriptHistory({ indexedDB: factory, now });
}

/** Records the object stores each transaction of the test names. */
function watchTransactions(): string[][] {
  const scopes: string[][] = [];
  const original = FakeDatabase.prototype.transaction;
  vi.spyOn(FakeDatabase.prototype, "transaction").mockImplementation(function (this: IDBDatabase, names, ...rest) {
    scopes.push(typeof names === "string" ? [names] : [...names]);
    return original.call(this, names, ...rest);
  });
  return scopes;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("audio kept with transcripts, over a real IndexedDB implementation", () => {
  it("upgrades a version-1 history without losing its transcripts, and adds the audio stores", async () => {
    const factory = new FakeFactory();
    await new Promise<void>((resolve, reject) => {
      const req = factory.open(HISTORY_DB_NAME, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(HISTORY_STORE, { keyPath: "id" });
        store.createIndex("createdAt", "createdAt");
        store.put(record({ id: "old" }));
      };
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    const history = await open(factory);
    expect((await history.list()).map((r) => r.id)).toEqual(["old"]);
    expect(await history.audio.list()).toEqual([]);
    await history.audio.keep("old", wav(10));
    expect(await history.audio.info("old")).toMatchObject({ id: "old", bytes: 10 });
    history.close();
  });

  it("keeps a Blob apart from the record: same bytes and type back, its size in the info, nothing added to the transcript", async () => {
    const history = await open();
    await history.save(record({ id: "a" }));
    const info = await history.audio.keep("a", wav(1_234));
    expect(info).toEqual({ id: "a", bytes: 1_234, type: "audio/wav", savedAt: 9_000 });

    const blob = await history.audio.get("a");
    expect(blob).toBeInstanceOf(Blob);
    expect(blob?.type).toBe("audio/wav");
    expect(new Uint8Array(await (blob ?? new Blob()).arrayBuffer())).toEqual(new Uint8Array(1_234).fill(7));
    expect(await history.audio.list()).toEqual([info]);
    expect(Object.keys((await history.get("a")) ?? {})).not.toContain("audio");
    expect(await history.audio.get("none")).toBeNull();
    expect(await history.audio.info("none")).toBeNull();
  });

  it("listing and searching 1,000 transcripts never opens the audio stores", async () => {
    const history = await open();
    const records = generateRecords(1_000);
    await history.saveMany(records);
    for (const { id } of records.slice(0, 20)) await history.audio.keep(id, wav(50_000));

    const scopes = watchTransactions();
    expect(await history.list()).toHaveLength(1_000);
    expect((await history.search("marker5x")).map((r) => r.id)).toEqual(["gen-5"]);
    expect(scopes.length).toBeGreaterThan(0);
    expect(scopes.every((names) => names.length === 1 && names[0] === HISTORY_STORE)).toBe(true);

    // The usage line reads the small info records only, not the bytes.
    scopes.length = 0;
    const infos = await history.audio.list();
    expect(infos.reduce((sum, info) => sum + info.bytes, 0)).toBe(1_000_000);
    expect(scopes).toEqual([[AUDIO_INFO_STORE]]);
  });

  it("deleting a transcript deletes its audio in the same transaction; clear deletes all audio", async () => {
    const history = await open();
    await history.saveMany([record({ id: "a" }), record({ id: "b" }), record({ id: "c" })]);
    await history.audio.keep("a", wav(10));
    await history.audio.keep("b", wav(20));

    const scopes = watchTransactions();
    await history.delete("a");
    expect(scopes).toEqual([[HISTORY_STORE, AUDIO_STORE, AUDIO_INFO_STORE]]);
    expect(await history.audio.get("a")).toBeNull();
    expect(await history.audio.info("a")).toBeNull();
    expect(await history.audio.get("b")).not.toBeNull();

    await history.clear();
    expect(await history.audio.list()).toEqual([]);
    expect(await history.audio.get("b")).toBeNull();
  });

  it("remove audio keeps the transcript; saving an edit or importing over it keeps the audio", async () => {
    const history = await open();
    await history.save(record({ id: "a" }));
    await history.audio.keep("a", wav(10));
    await history.save(record({ id: "a", text: "Edited", editedAt: 2_000, updatedAt: 2_000 }));
    await history.saveMany([record({ id: "a", title: "Imported", updatedAt: 3_000 })]);
    expect(await history.audio.info("a")).toMatchObject({ bytes: 10 });

    await history.audio.remove("a");
    expect(await history.audio.get("a")).toBeNull();
    expect(await history.get("a")).toMatchObject({ title: "Imported" });
    await history.audio.remove("a");
  });

  it("refuses audio for a transcript that is not saved, and an empty recording", async () => {
    const history = await open();
    await expect(history.audio.keep("ghost", wav(10))).rejects.toMatchObject({ name: "TranscriptHistoryError", code: "history-not-found" });
    expect(await history.audio.list()).toEqual([]);
    await history.save(record({ id: "a" }));
    await expect(history.audio.keep("a", new Blob([]))).rejects.toMatchObject({ code: "history-invalid" });
  });

  it("a browser out of room: a clear message that the transcript is kept, and no half-written audio", async () => {
    const history = await open();
    await history.save(record({ id: "a" }));
    const put = FakeObjectStore.prototype.put;
    vi.spyOn(FakeObjectStore.prototype, "put").mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === AUDIO_STORE) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return put.apply(this, args);
    });
    const error = await history.audio.keep("a", wav(4_200_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TranscriptHistoryError", code: "history-quota", context: { id: "a", bytes: 4_200_000 } });
    expect(String((error as Error).message)).toMatch(/^The transcript is kept, but its audio \(4\.2 MB\) is not: there is no room left/);
    expect(await history.get("a")).toMatchObject({ id: "a", text: "Hello world" });
    expect(await history.audio.info("a")).toBeNull();
  });

  it("a history export holds no audio, and importing it back leaves the kept audio alone", async () => {
    const history = await open();
    await history.save(record({ id: "a" }));
    await history.audio.keep("a", wav(10));
    const file = toHistoryFile(await history.list());
    expect(file).not.toMatch(/audio|blob/i);
    const parsed = parseHistoryFile(file);
    await history.saveMany(parsed.records);
    expect(await history.audio.info("a")).toMatchObject({ bytes: 10 });
  });
});

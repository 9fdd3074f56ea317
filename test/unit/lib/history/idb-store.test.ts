import { describe, expect, it } from "vitest";
import { TranscriptHistoryError } from "../../../../lib/history/history-error";
import { HISTORY_DB_NAME, HISTORY_DB_VERSION, openTranscriptHistory } from "../../../../lib/history/idb-store";
import { memoryIndexedDB } from "../../../support/memory-indexeddb";
import { generateRecords } from "../../../support/generated-history";
import { record } from "../../../support/transcript-record";

describe("openTranscriptHistory without IndexedDB", () => {
  it("fails with history-unavailable when there is no IndexedDB", async () => {
    await expect(openTranscriptHistory({ indexedDB: undefined })).rejects.toMatchObject({ name: "TranscriptHistoryError", code: "history-unavailable" });
  });

  it("fails with history-unavailable when open() throws (sandboxed frames, blocked storage)", async () => {
    const factory = {
      open: () => {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    } as unknown as IDBFactory;
    const error = await openTranscriptHistory({ indexedDB: factory }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptHistoryError);
    expect(error).toMatchObject({ code: "history-unavailable" });
    expect((error as TranscriptHistoryError).message).toMatch(/not available/);
  });

  it("fails with history-unavailable when the open request errors (old Firefox private mode)", async () => {
    const opened: Array<{ name: string; version: number }> = [];
    const factory = {
      open(name: string, version: number) {
        opened.push({ name, version });
        const req: { error: DOMException; onerror: (() => void) | null } = { error: new DOMException("A mutation operation was attempted on a database that did not allow mutations.", "InvalidStateError"), onerror: null };
        queueMicrotask(() => req.onerror?.());
        return req;
      },
    } as unknown as IDBFactory;
    await expect(openTranscriptHistory({ indexedDB: factory })).rejects.toMatchObject({ code: "history-unavailable" });
    expect(opened).toEqual([{ name: HISTORY_DB_NAME, version: HISTORY_DB_VERSION }]);
  });
});

describe("the history over a database (in memory)", () => {
  it("saves, lists newest first, renames, gets and deletes", async () => {
    const history = await openTranscriptHistory({ indexedDB: memoryIndexedDB(), now: () => 5_000 });
    await history.save(record());
    await history.save(record({ id: "b", createdAt: 2_000, updatedAt: 2_000, editedAt: 2_000 }));
    expect((await history.list()).map((r) => r.id)).toEqual(["b", "a"]);
    expect((await history.get("b"))?.editedAt).toBe(2_000);
    expect(await history.rename("a", " New ")).toMatchObject({ title: "New", updatedAt: 5_000 });
    await history.delete("a");
    expect(await history.get("a")).toBeNull();
  });

  it("saveMany stores a whole import at once and refuses a batch with a malformed record", async () => {
    const history = await openTranscriptHistory({ indexedDB: memoryIndexedDB() });
    await history.saveMany(generateRecords(30));
    expect(await history.list()).toHaveLength(30);
    await expect(history.saveMany([record({ id: "ok" }), { ...record({ id: "bad" }), duration: -1 }])).rejects.toMatchObject({ code: "history-invalid" });
    expect(await history.get("ok")).toBeNull();
  });

  it("1,000 ten-minute transcripts: opening the list and searching return the right records", async () => {
    const records = generateRecords(1_000);
    const history = await openTranscriptHistory({ indexedDB: memoryIndexedDB() });
    await history.saveMany(records);

    const openStarted = performance.now();
    const listed = await history.list();
    const openMs = performance.now() - openStarted;
    expect(listed).toHaveLength(1_000);
    expect(listed[0]?.id).toBe("gen-0");

    const timings: string[] = [];
    for (const [query, expected] of [["marker517x", ["gen-517"]], ["interview 42", null], ["cafe zurich", null]] as const) {
      const started = performance.now();
      const found = await history.search(query);
      timings.push(`${query}: ${(performance.now() - started).toFixed(1)} ms (${found.length} found)`);
      if (expected !== null) expect(found.map((r) => r.id)).toEqual(expected);
      else expect(found.length).toBeGreaterThan(0);
    }
    // A figure for the notes, not an assertion: machines differ.
    console.log(`history of 1,000 (in-memory IndexedDB): list ${openMs.toFixed(1)} ms; search ${timings.join("; ")}`);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { memoryIndexedDB } from "../../../support/memory-indexeddb";
import { generateRecords } from "../../../support/generated-history";
import { record } from "../../../support/transcript-record";

// The module keeps one connection for the page, so each test loads it afresh over a fresh database.
async function freshHistory() {
  vi.resetModules();
  vi.stubGlobal("indexedDB", memoryIndexedDB());
  vi.stubGlobal("BroadcastChannel", undefined);
  return import("../../../../lib/history/transcript-history");
}

describe("moving the history between devices", () => {
  beforeEach(() => vi.unstubAllGlobals());
  afterEach(() => vi.unstubAllGlobals());

  it("exports every transcript and imports them on another device, then a second import adds nothing", async () => {
    const one = await freshHistory();
    for (const r of generateRecords(25)) await one.saveTranscript(r);
    await one.saveTranscript(record({ id: "edited", editedAt: 1_500, updatedAt: 1_500 }));
    const file = await one.exportHistory();

    const other = await freshHistory();
    await other.saveTranscript(record({ id: "mine", createdAt: 9_000, updatedAt: 9_000, text: "only here" }));
    expect(await other.importHistory(file)).toBe("Imported 26 transcripts: 26 new, 0 updated, 0 already here.");
    const all = await other.listTranscripts();
    expect(all).toHaveLength(27);
    expect(all.find((r) => r.id === "edited")?.editedAt).toBe(1_500);
    expect(await other.importHistory(file)).toBe("Imported 0 transcripts: 0 new, 0 updated, 26 already here.");
    expect(await other.listTranscripts()).toHaveLength(27);
  });

  it("a damaged file changes nothing and says why", async () => {
    const history = await freshHistory();
    await history.saveTranscript(record());
    await expect(history.importHistory("{")).rejects.toMatchObject({ code: "history-file-invalid", message: expect.stringMatching(/not JSON/) });
    expect(await history.listTranscripts()).toHaveLength(1);
  });

  it("1,000 transcripts: export, import into an empty history, open and search (timings printed)", async () => {
    const records = generateRecords(1_000);
    const file = (await import("../../../../lib/history/history-file")).toHistoryFile(records);
    const target = await freshHistory();
    const importStarted = performance.now();
    expect(await target.importHistory(file)).toMatch(/^Imported 1000 transcripts: 1000 new/);
    const importMs = performance.now() - importStarted;
    const openStarted = performance.now();
    expect(await target.listTranscripts()).toHaveLength(1_000);
    const openMs = performance.now() - openStarted;
    const searchStarted = performance.now();
    expect((await target.searchTranscripts("marker999x")).map((r) => r.id)).toEqual(["gen-999"]);
    const searchMs = performance.now() - searchStarted;
    console.log(`history file of 1,000: ${(file.length / 1e6).toFixed(1)} MB; import ${importMs.toFixed(0)} ms, open ${openMs.toFixed(1)} ms, first search ${searchMs.toFixed(1)} ms`);
  });
});

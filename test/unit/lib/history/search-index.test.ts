import { describe, expect, it } from "vitest";
import { SearchIndex } from "../../../../lib/history/search-index";
import { filterTranscripts } from "../../../../lib/history/search";
import { record } from "../../../support/transcript-record";
import { generateRecords } from "../../../support/generated-history";

describe("SearchIndex", () => {
  it("finds what filterTranscripts finds, newest first", () => {
    const records = generateRecords(200);
    const index = new SearchIndex();
    for (const query of ["", "marker7x", "MEETING budget", "cafe", "zurich strasse", "lodz", "елка", "nothing-like-this"]) {
      expect(index.search(records, query).map((r) => r.id)).toEqual(filterTranscripts(records, query).map((r) => r.id));
    }
    expect(index.search(records, "marker17x").map((r) => r.id)).toEqual(["gen-17"]);
  });

  it("folds a transcript again when it changes (a rename or an edit bumps updatedAt)", () => {
    const index = new SearchIndex();
    expect(index.search([record({ text: "old words" })], "new")).toEqual([]);
    expect(index.search([record({ text: "new words", updatedAt: 2_000 })], "new")).toHaveLength(1);
  });

  it("forgets transcripts that were deleted", () => {
    const index = new SearchIndex();
    index.search(generateRecords(50), "the");
    expect(index.size).toBe(50);
    index.search(generateRecords(5), "the");
    expect(index.size).toBe(5);
  });
});

describe("SearchIndex.warm", () => {
  it("folds every record ahead of the first search, a chunk per turn, and can be stopped", () => {
    const turns: Array<() => void> = [];
    const index = new SearchIndex();
    const records = generateRecords(25);
    index.warm(records, 10, (next) => turns.push(next));
    turns.shift()?.();
    expect(index.size).toBe(10);
    while (turns.length > 0) turns.shift()?.();
    expect(index.size).toBe(25);

    const stopped = new SearchIndex();
    const stop = stopped.warm(records, 10, (next) => turns.push(next));
    turns.shift()?.();
    stop();
    while (turns.length > 0) turns.shift()?.();
    expect(stopped.size).toBe(10);
  });
});

import { describe, expect, it } from "vitest";
import { describeImport, planMerge } from "../../../../lib/history/history-merge";
import { record } from "../../../support/transcript-record";

describe("planMerge", () => {
  it("adds new transcripts and leaves ones already here", () => {
    const here = [record({ id: "a" })];
    const plan = planMerge(here, [record({ id: "a" }), record({ id: "b", createdAt: 2_000, updatedAt: 2_000, text: "other" })]);
    expect(plan.toSave.map((r) => r.id)).toEqual(["b"]);
    expect(plan).toMatchObject({ added: 1, updated: 0, unchanged: 1 });
  });

  it("keeps whichever version of a transcript changed last", () => {
    const here = [record({ id: "a", updatedAt: 5_000, title: "here" })];
    expect(planMerge(here, [record({ id: "a", updatedAt: 9_000, title: "theirs" })]).toSave).toEqual([record({ id: "a", updatedAt: 9_000, title: "theirs" })]);
    expect(planMerge(here, [record({ id: "a", updatedAt: 4_000, title: "theirs" })])).toMatchObject({ toSave: [], unchanged: 1 });
  });

  it("does not add the same transcript twice under another id, nor twice from one file", () => {
    const here = [record({ id: "a" })];
    expect(planMerge(here, [record({ id: "copy-of-a" })])).toMatchObject({ toSave: [], unchanged: 1 });
    const plan = planMerge([], [record({ id: "b" }), record({ id: "b", updatedAt: 3_000 }), record({ id: "c" })]);
    expect(plan.toSave).toEqual([record({ id: "b", updatedAt: 3_000 })]);
    expect(plan).toMatchObject({ added: 1, unchanged: 2 });
  });

  it("importing the same file twice adds nothing the second time", () => {
    const file = [record({ id: "a" }), record({ id: "b", text: "two", createdAt: 3_000, updatedAt: 3_000 })];
    const first = planMerge([], file);
    expect(planMerge(first.toSave, file)).toMatchObject({ toSave: [], added: 0, updated: 0, unchanged: 2 });
  });
});

describe("describeImport", () => {
  it("tells what happened in one sentence", () => {
    expect(describeImport({ added: 10, updated: 2, unchanged: 5 }, 1)).toBe("Imported 12 transcripts: 10 new, 2 updated, 5 already here, 1 damaged entry skipped.");
    expect(describeImport({ added: 1, updated: 0, unchanged: 0 }, 0)).toBe("Imported 1 transcript: 1 new, 0 updated, 0 already here.");
  });
});

import { describe, expect, it } from "vitest";
import { editMetadata, editRecordSegment, isEdited, restoreRecordVersion } from "../../../../lib/history/record-edit";
import { isTranscriptRecord } from "../../../../lib/history/record";
import { record } from "../../../support/transcript-record";

describe("editing a saved transcript", () => {
  it("corrects the text, keeps the timings, and says it was edited and when", () => {
    const original = record({ segments: [{ start: 0, end: 1.5, text: "Hello wrld" }, { start: 1.5, end: 3, text: "again" }], text: "Hello wrld again" });
    const edited = editRecordSegment(original, 0, "Hello world", 5_000);
    expect(edited).toMatchObject({ text: "Hello world again", editedAt: 5_000, updatedAt: 5_000, createdAt: 1_000, id: "a" });
    expect(edited?.segments.map((segment) => [segment.start, segment.end])).toEqual([[0, 1.5], [1.5, 3]]);
    expect(edited !== null && isTranscriptRecord(edited)).toBe(true);
    expect(isEdited(original)).toBe(false);
    expect(edited !== null && isEdited(edited)).toBe(true);
  });

  it("records no edit when the text did not change", () => {
    expect(editRecordSegment(record(), 0, "Hello world ", 5_000)).toBeNull();
  });

  it("never dates an edit before the record was made (a clock set back)", () => {
    expect(editRecordSegment(record({ createdAt: 9_000, updatedAt: 9_000 }), 0, "x", 5_000)).toMatchObject({ editedAt: 9_000, updatedAt: 9_000 });
  });

  it("undo brings an earlier version back as the newest, unedited if it was the model's text", () => {
    const original = record();
    const restored = restoreRecordVersion(original, 8_000);
    expect(restored).toMatchObject({ text: "Hello world", updatedAt: 8_000 });
    expect(isEdited(restored)).toBe(false);
  });

  it("tells the JSON export whether the text was corrected", () => {
    expect(editMetadata(record())).toEqual({});
    expect(editMetadata(record({ editedAt: Date.UTC(2026, 11, 2, 1) }))).toEqual({ edited: true, editedAt: "2026-12-02T01:00:00.000Z" });
  });
});

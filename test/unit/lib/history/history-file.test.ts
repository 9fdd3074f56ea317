import { describe, expect, it } from "vitest";
import { HISTORY_FILE_FORMAT, historyFileName, parseHistoryFile, toHistoryFile } from "../../../../lib/history/history-file";
import { toJson } from "../../../../lib/transcript/transcript-json";
import { record } from "../../../support/transcript-record";
import { sample } from "../../../support/transcript-content";

const message = (text: string): string => {
  try {
    parseHistoryFile(text);
  } catch (error) {
    expect(error).toMatchObject({ name: "TranscriptHistoryError", code: "history-file-invalid" });
    return error instanceof Error ? error.message : "";
  }
  throw new Error("expected the file to be refused");
};

describe("the history file", () => {
  it("is versioned JSON with every transcript, newest first, that reads back the same", () => {
    const records = [record({ id: "old", createdAt: 1_000 }), record({ id: "new", createdAt: 2_000, updatedAt: 3_000, editedAt: 3_000, model: "whisper-base" })];
    const text = toHistoryFile(records, Date.UTC(2026, 11, 2));
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: HISTORY_FILE_FORMAT, version: 1, exportedAt: "2026-12-02T00:00:00.000Z" });
    expect(doc.transcripts.map((r: { id: string }) => r.id)).toEqual(["new", "old"]);
    expect(parseHistoryFile(text)).toEqual({ records: [records[1], records[0]], skipped: 0 });
    expect(historyFileName(Date.UTC(2026, 11, 2))).toBe("transcripts-2026-12-02.json");
  });

  it("leaves damaged entries out and counts them, dropping fields it does not know", () => {
    const text = JSON.stringify({ format: HISTORY_FILE_FORMAT, version: 1, exportedAt: "", transcripts: [{ ...record(), extra: 1 }, { id: "x" }, 5] });
    expect(parseHistoryFile(text)).toEqual({ records: [record()], skipped: 2 });
  });

  it("refuses what it cannot read, saying why", () => {
    expect(message("{not json")).toMatch(/not JSON/);
    expect(message("[1,2]")).toMatch(/not a history export/);
    expect(message(JSON.stringify({ format: "something-else", version: 1 }))).toMatch(/not a history export from this app/);
    expect(message(toJson(sample))).toMatch(/one transcript's JSON export/);
    expect(message(JSON.stringify({ format: HISTORY_FILE_FORMAT, version: 2, transcripts: [] }))).toMatch(/newer version of the app \(file version 2\)/);
    expect(message(JSON.stringify({ format: HISTORY_FILE_FORMAT, transcripts: [] }))).toMatch(/version is missing/);
    expect(message(JSON.stringify({ format: HISTORY_FILE_FORMAT, version: 1, transcripts: {} }))).toMatch(/no list of transcripts/);
  });
});

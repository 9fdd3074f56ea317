import { describe, expect, it } from "vitest";
import {
  MAX_TITLE_CHARS,
  createTranscriptRecord,
  defaultTitle,
  isTranscriptRecord,
  isTranscriptSource,
  newTranscriptId,
  normalizeTitle,
  sortNewestFirst,
  toPlainRecord,
} from "../../../../lib/history/record";
import { record } from "../../../support/transcript-record";

describe("isTranscriptRecord", () => {
  it("accepts a full record and one without the optional fields", () => {
    expect(isTranscriptRecord(record())).toBe(true);
    expect(isTranscriptRecord(record({ fileName: "a.ogg", model: "whisper-tiny", language: null }))).toBe(true);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["an array", []],
    ["an empty id", record({ id: "" })],
    ["a bad source", { ...record(), source: "email" }],
    ["a negative time", record({ createdAt: -1 })],
    ["a NaN duration", record({ duration: Number.NaN })],
    ["a numeric language", { ...record(), language: 1 }],
    ["a bad segment", { ...record(), segments: [{ start: 0, end: 1 }] }],
    ["segments not an array", { ...record(), segments: "x" }],
    ["a numeric fileName", { ...record(), fileName: 3 }],
    ["a missing text", { ...record(), text: undefined }],
  ])("refuses %s", (_, value) => {
    expect(isTranscriptRecord(value)).toBe(false);
  });

  it("knows the sources", () => {
    expect(["file", "recording", "telegram"].every(isTranscriptSource)).toBe(true);
    expect(isTranscriptSource("upload")).toBe(false);
  });
});

describe("titles", () => {
  it("cleans titles", () => {
    expect(normalizeTitle("  Weekly \n  sync  ")).toBe("Weekly sync");
    expect(normalizeTitle(" \t ")).toBeNull();
    const long = normalizeTitle("🎙️".repeat(300)) ?? "";
    expect(Array.from(long).length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(long).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it("defaults to the file name without its extension", () => {
    expect(defaultTitle({ source: "file", fileName: "meeting.2024.ogg", text: "x" })).toBe("meeting.2024");
    expect(defaultTitle({ source: "file", fileName: ".ogg", text: "Some words" })).toBe(".ogg");
  });

  it("falls back to the first words, then to the source", () => {
    expect(defaultTitle({ source: "recording", text: "  Call the plumber about the sink  " })).toBe("Call the plumber about the sink");
    expect(defaultTitle({ source: "recording", text: "one two three four five six seven eight nine ten" })).toBe("one two three four five six seven eight…");
    expect(defaultTitle({ source: "recording", text: "x".repeat(100) })).toBe(`${"x".repeat(60)}…`);
    expect(defaultTitle({ source: "recording", text: "" })).toBe("Recording");
    expect(defaultTitle({ source: "telegram", text: " " })).toBe("Telegram voice message");
    expect(defaultTitle({ source: "file", fileName: "   ", text: "" })).toBe("Transcript");
  });
});

describe("createTranscriptRecord", () => {
  it("fills in id, times and title, and copies segments", () => {
    const segments = [{ start: 0, end: 1, text: "Hi", extra: true }];
    const created = createTranscriptRecord({ source: "file", fileName: "voice.ogg", text: "Hi", segments, duration: 1, language: "en", model: "whisper-base" }, 42, "id-1");
    expect(created).toEqual({
      id: "id-1",
      title: "voice",
      createdAt: 42,
      updatedAt: 42,
      source: "file",
      fileName: "voice.ogg",
      duration: 1,
      language: "en",
      text: "Hi",
      segments: [{ start: 0, end: 1, text: "Hi" }],
      model: "whisper-base",
    });
    expect(isTranscriptRecord(created)).toBe(true);
  });

  it("keeps a given title, clamps a bad duration and omits absent optionals", () => {
    const created = createTranscriptRecord({ source: "recording", title: "  Mine ", text: "", segments: [], duration: Number.NaN, language: null }, 1, "x");
    expect(created.title).toBe("Mine");
    expect(created.duration).toBe(0);
    expect(created).not.toHaveProperty("fileName");
    expect(created).not.toHaveProperty("model");
    expect(isTranscriptRecord(created)).toBe(true);
  });

  it("makes unique ids", () => {
    const ids = new Set(Array.from({ length: 50 }, () => newTranscriptId()));
    expect(ids.size).toBe(50);
    expect(isTranscriptRecord(createTranscriptRecord({ source: "telegram", text: "a", segments: [], duration: 1, language: null }))).toBe(true);
  });
});

describe("sortNewestFirst", () => {
  it("sorts by createdAt descending, then id, without mutating", () => {
    const input = [record({ id: "a", createdAt: 1 }), record({ id: "c", createdAt: 3 }), record({ id: "b", createdAt: 3 })];
    expect(sortNewestFirst(input).map((r) => r.id)).toEqual(["c", "b", "a"]);
    expect(input.map((r) => r.id)).toEqual(["a", "c", "b"]);
  });
});

describe("hand edits in a record", () => {
  it("accepts editedAt as a time and refuses anything else", () => {
    expect(isTranscriptRecord(record({ editedAt: 2_000 }))).toBe(true);
    expect(isTranscriptRecord({ ...record(), editedAt: "yesterday" })).toBe(false);
    expect(isTranscriptRecord({ ...record(), editedAt: -1 })).toBe(false);
  });

  it("toPlainRecord keeps exactly the record's fields, editedAt included", () => {
    const plain = toPlainRecord({ ...record({ editedAt: 2_000, model: "whisper-tiny" }), ...{ extra: "dropped" } });
    expect(plain).toEqual(record({ editedAt: 2_000, model: "whisper-tiny" }));
    expect(plain).not.toHaveProperty("extra");
    expect(toPlainRecord(record())).not.toHaveProperty("editedAt");
  });
});

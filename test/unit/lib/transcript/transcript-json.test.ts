import { describe, expect, it } from "vitest";
import { parseTranscriptJson, toJson, toTranscriptJson } from "../../../../lib/transcript/transcript-json";
import { empty, sample } from "../../../support/transcript-content";

describe("JSON", () => {
  it("writes the documented, versioned schema", () => {
    expect(JSON.parse(toJson(sample))).toEqual({
      format: "whisper-transcript",
      version: 1,
      language: "en",
      duration: 7.5,
      text: "Hello there. General Kenobi.",
      segments: [
        { id: 0, start: 0, end: 4.5, text: "Hello there." },
        { id: 1, start: 4.5, end: 7.25, text: "General Kenobi." },
      ],
    });
  });

  it("is stable: same input, same bytes, fixed key order, trailing newline", () => {
    const a = toJson(sample, { title: "voice.ogg", model: "whisper-tiny" });
    expect(a).toBe(toJson(sample, { model: "whisper-tiny", title: "voice.ogg" }));
    expect(a.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(a))).toEqual(["format", "version", "language", "duration", "text", "segments", "metadata"]);
  });

  it("rounds times to milliseconds and clamps bad ones", () => {
    const doc = toTranscriptJson({ ...empty, duration: Number.NaN, segments: [{ start: 1.23456, end: -1, text: "x" }] });
    expect(doc.duration).toBe(0);
    expect(doc.segments).toEqual([{ id: 0, start: 1.235, end: 1.235, text: "x" }]);
  });

  it("writes an empty transcript as empty arrays and null language", () => {
    expect(toTranscriptJson(empty)).toEqual({ format: "whisper-transcript", version: 1, language: null, duration: 0, text: "", segments: [] });
  });

  it("omits empty metadata and unknown metadata keys", () => {
    expect(toTranscriptJson(sample, {})).not.toHaveProperty("metadata");
    expect(toTranscriptJson(sample, { title: "t", createdAt: "2025-01-01T00:00:00.000Z" }).metadata).toEqual({ title: "t", createdAt: "2025-01-01T00:00:00.000Z" });
  });

  it("reads its own output back", () => {
    const text = toJson({ ...sample, text: "Ünïcødé 🎙️" }, { title: "x", source: "recording" });
    expect(parseTranscriptJson(text)).toEqual(JSON.parse(text));
  });

  it("refuses other documents", () => {
    expect(parseTranscriptJson("not json")).toBeNull();
    expect(parseTranscriptJson("[]")).toBeNull();
    expect(parseTranscriptJson(JSON.stringify({ ...toTranscriptJson(sample), version: 2 }))).toBeNull();
    expect(parseTranscriptJson(JSON.stringify({ ...toTranscriptJson(sample), format: "other" }))).toBeNull();
    expect(parseTranscriptJson(JSON.stringify({ ...toTranscriptJson(sample), segments: [{ id: 0, start: "0", end: 1, text: "x" }] }))).toBeNull();
    expect(parseTranscriptJson(JSON.stringify({ ...toTranscriptJson(sample), language: 5 }))).toBeNull();
  });
});

describe("JSON of a corrected transcript", () => {
  it("says it was edited, and when, in its metadata, and reads that back", () => {
    const text = toJson(sample, { title: "t", edited: true, editedAt: "2026-12-02T01:00:00.000Z" });
    expect(JSON.parse(text).metadata).toEqual({ title: "t", edited: true, editedAt: "2026-12-02T01:00:00.000Z" });
    expect(parseTranscriptJson(text)?.metadata).toEqual({ title: "t", edited: true, editedAt: "2026-12-02T01:00:00.000Z" });
  });
});

import { describe, expect, it } from "vitest";
import { cleanSegmentText, editableSegments, textFromSegments, withSegmentText } from "../../../../lib/transcript/segment-edit";
import { toSrt, toTxt, toVtt } from "../../../../lib/transcript/formats";
import { sample } from "../../../support/transcript-content";

describe("withSegmentText", () => {
  it("changes one segment's text, keeps every timing, and rebuilds the whole text", () => {
    const edited = withSegmentText(sample, 1, "  General  Grievous. ");
    expect(edited?.segments).toEqual([
      { start: 0, end: 4.5, text: " Hello there." },
      { start: 4.5, end: 7.25, text: "General Grievous." },
    ]);
    expect(edited?.text).toBe("Hello there. General Grievous.");
    expect(edited?.duration).toBe(sample.duration);
    expect(edited?.language).toBe(sample.language);
  });

  it("keeps the other fields of the object it is given", () => {
    const record = { ...sample, id: "r1", title: "T" };
    expect(withSegmentText(record, 0, "Hi.")).toMatchObject({ id: "r1", title: "T", text: "Hi. General Kenobi." });
  });

  it("returns null for no change (whitespace only) and for a segment that does not exist", () => {
    expect(withSegmentText(sample, 0, " Hello there.\n")).toBeNull();
    expect(withSegmentText(sample, 2, "x")).toBeNull();
    expect(withSegmentText(sample, -1, "x")).toBeNull();
  });

  it("lets a segment be emptied: it drops out of the text and the subtitles, its neighbours keep their times", () => {
    const edited = withSegmentText(sample, 0, "   ");
    expect(edited?.text).toBe("General Kenobi.");
    expect(edited === null ? "" : toSrt(edited)).toBe("1\n00:00:04,500 --> 00:00:07,250\nGeneral Kenobi.\n");
  });

  it("is what every export writes: corrected words at the original times", () => {
    const edited = withSegmentText(sample, 0, "Hello <there> & you.");
    if (edited === null) throw new Error("expected an edit");
    expect(toTxt(edited)).toBe("Hello <there> & you. General Kenobi.\n");
    expect(toVtt(edited)).toContain("00:00:00.000 --> 00:00:04.500\nHello &lt;there&gt; &amp; you.\n");
  });

  it("edits a transcript with text but no segments as one segment over the whole audio", () => {
    const edited = withSegmentText({ text: "one two", segments: [], language: "en", duration: 5 }, 0, "one three");
    expect(edited?.segments).toEqual([{ start: 0, end: 5, text: "one three" }]);
    expect(edited?.text).toBe("one three");
  });
});

describe("the helpers", () => {
  it("textFromSegments trims, drops empty segments and joins with spaces", () => {
    expect(textFromSegments([{ start: 0, end: 1, text: " a " }, { start: 1, end: 2, text: "" }, { start: 2, end: 3, text: "b" }])).toBe("a b");
  });

  it("cleanSegmentText turns newlines and runs of spaces into one space", () => {
    expect(cleanSegmentText(" a\n\nb \t c ")).toBe("a b c");
  });

  it("editableSegments: the segments, or none for an empty transcript", () => {
    expect(editableSegments(sample)).toBe(sample.segments);
    expect(editableSegments({ text: " ", segments: [], language: null, duration: 1 })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import {
  TRANSCRIPT_FORMATS,
  escapeVttText,
  fileNameFor,
  formatClock,
  formatTimestamp,
  formatTranscript,
  isTranscriptFormat,
  mimeTypeFor,
  toSrt,
  toTxt,
  toVtt,
} from "../../../../lib/transcript/formats";
import { toJson } from "../../../../lib/transcript/transcript-json";
import { empty, sample } from "../../../support/transcript-content";

describe("formatTimestamp", () => {
  it.each([
    [0, "00:00:00,000", "00:00:00.000"],
    [1, "00:00:01,000", "00:00:01.000"],
    [4.5, "00:00:04,500", "00:00:04.500"],
    [61.001, "00:01:01,001", "00:01:01.001"],
    [3599.999, "00:59:59,999", "00:59:59.999"],
    [3600, "01:00:00,000", "01:00:00.000"],
    [359_999.999, "99:59:59,999", "99:59:59.999"],
    [360_000, "100:00:00,000", "100:00:00.000"],
  ])("%s s → %s / %s", (seconds, srt, vtt) => {
    expect(formatTimestamp(seconds, "srt")).toBe(srt);
    expect(formatTimestamp(seconds, "vtt")).toBe(vtt);
  });

  it("rounds to the millisecond before splitting, so nothing prints as 60 seconds", () => {
    expect(formatTimestamp(59.9996, "srt")).toBe("00:01:00,000");
    expect(formatTimestamp(0.0004, "srt")).toBe("00:00:00,000");
    expect(formatTimestamp(1.0005, "vtt")).toBe("00:00:01.001");
  });

  it("clamps negative, NaN and infinite times to zero", () => {
    for (const bad of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(formatTimestamp(bad, "srt")).toBe("00:00:00,000");
    }
  });
});

describe("formatClock", () => {
  it("prints mm:ss, or h:mm:ss when asked", () => {
    expect(formatClock(0)).toBe("00:00");
    expect(formatClock(61.9)).toBe("01:01");
    expect(formatClock(3725)).toBe("62:05");
    expect(formatClock(3725, true)).toBe("1:02:05");
    expect(formatClock(5, true)).toBe("0:00:05");
    expect(formatClock(Number.NaN)).toBe("00:00");
  });
});

describe("toSrt", () => {
  it("writes numbered cues with a blank line between them", () => {
    expect(toSrt(sample)).toBe("1\n00:00:00,000 --> 00:00:04,500\nHello there.\n\n2\n00:00:04,500 --> 00:00:07,250\nGeneral Kenobi.\n");
  });

  it("gives an empty file for an empty transcript", () => {
    expect(toSrt(empty)).toBe("");
    expect(toSrt({ ...empty, text: "   ", duration: 3 })).toBe("");
  });

  it("keeps end ≥ start and clamps bad times", () => {
    const srt = toSrt({
      ...empty,
      segments: [
        { start: 5, end: 2, text: "backwards" },
        { start: Number.NaN, end: Number.NaN, text: "nan" },
        { start: -3, end: 1, text: "negative" },
      ],
    });
    expect(srt).toBe(
      "1\n00:00:00,000 --> 00:00:00,000\nnan\n\n2\n00:00:00,000 --> 00:00:01,000\nnegative\n\n3\n00:00:05,000 --> 00:00:05,000\nbackwards\n",
    );
  });

  it("handles hours past 99", () => {
    expect(toSrt({ ...empty, segments: [{ start: 400_000, end: 400_001.5, text: "late" }] })).toBe("1\n111:06:40,000 --> 111:06:41,500\nlate\n");
  });

  it("drops empty segments and renumbers", () => {
    const srt = toSrt({ ...empty, segments: [{ start: 0, end: 1, text: "a" }, { start: 1, end: 2, text: "  \n " }, { start: 2, end: 3, text: "b" }] });
    expect(srt).toBe("1\n00:00:00,000 --> 00:00:01,000\na\n\n2\n00:00:02,000 --> 00:00:03,000\nb\n");
  });

  it("never lets a newline in the text end a cue early", () => {
    const srt = toSrt({ ...empty, segments: [{ start: 0, end: 1, text: "line one\n\n\r\nline two\r\n" }] });
    expect(srt).toBe("1\n00:00:00,000 --> 00:00:01,000\nline one\nline two\n");
  });

  it("defuses --> in cue text and keeps tags as written", () => {
    expect(toSrt({ ...empty, segments: [{ start: 0, end: 1, text: "a --> b <i>c</i> & d" }] })).toContain("\na → b <i>c</i> & d\n");
  });

  it("writes text without segments as one cue over the whole audio", () => {
    expect(toSrt({ text: "Just text.", segments: [], language: "en", duration: 3.2 })).toBe("1\n00:00:00,000 --> 00:00:03,200\nJust text.\n");
  });

  it("sorts cues by start time", () => {
    const srt = toSrt({ ...empty, segments: [{ start: 2, end: 3, text: "second" }, { start: 0, end: 1, text: "first" }] });
    expect(srt.indexOf("first")).toBeLessThan(srt.indexOf("second"));
    expect(srt.startsWith("1\n00:00:00,000")).toBe(true);
  });

  it("keeps unicode intact", () => {
    const srt = toSrt({ ...empty, segments: [{ start: 0, end: 1, text: "ご視聴 🎙️ Ünïcødé ភាសាខ្មែរ" }] });
    expect(srt).toContain("ご視聴 🎙️ Ünïcødé ភាសាខ្មែរ\n");
  });
});

describe("toVtt", () => {
  it("writes the header and dot-separated timings", () => {
    expect(toVtt(sample)).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:04.500\nHello there.\n\n00:00:04.500 --> 00:00:07.250\nGeneral Kenobi.\n");
  });

  it("is only the header when empty", () => {
    expect(toVtt(empty)).toBe("WEBVTT\n");
  });

  it("escapes &, < and >, so no --> survives in the text", () => {
    const vtt = toVtt({ ...empty, segments: [{ start: 0, end: 1, text: "Tom & Jerry <b>loud</b> a --> b" }] });
    expect(vtt).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nTom &amp; Jerry &lt;b&gt;loud&lt;/b&gt; a --&gt; b\n");
    const cueText = vtt.split("\n").slice(3).join("\n");
    expect(cueText).not.toContain("-->");
  });

  it("keeps multi-line cues without blank lines", () => {
    const vtt = toVtt({ ...empty, segments: [{ start: 1, end: 2, text: "one\n\ntwo" }] });
    expect(vtt).toBe("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\none\ntwo\n");
  });

  it("escapes every ampersand, even one that starts an entity, so text round-trips", () => {
    expect(escapeVttText("&amp;")).toBe("&amp;amp;");
  });
});

describe("toTxt", () => {
  it("writes the text with one trailing newline", () => {
    expect(toTxt(sample)).toBe("Hello there. General Kenobi.\n");
  });

  it("joins segments when the text is empty", () => {
    expect(toTxt({ ...sample, text: "" })).toBe("Hello there. General Kenobi.\n");
  });

  it("is empty for an empty transcript", () => {
    expect(toTxt(empty)).toBe("");
    expect(toTxt(empty, { timestamps: true })).toBe("");
  });

  it("puts a timestamp on each line when asked", () => {
    expect(toTxt(sample, { timestamps: true })).toBe("[00:00] Hello there.\n[00:04] General Kenobi.\n");
  });

  it("switches every line to h:mm:ss once the transcript passes an hour", () => {
    const long = toTxt({ ...empty, segments: [{ start: 5, end: 6, text: "early" }, { start: 3_661, end: 3_662, text: "late" }] }, { timestamps: true });
    expect(long).toBe("[0:00:05] early\n[1:01:01] late\n");
  });

  it("flattens newlines inside a timestamped line", () => {
    expect(toTxt({ ...empty, segments: [{ start: 0, end: 1, text: "a\nb" }] }, { timestamps: true })).toBe("[00:00] a b\n");
  });
});

describe("formatTranscript", () => {
  it("dispatches on the format and passes its options", () => {
    expect(formatTranscript(sample, "txt")).toBe(toTxt(sample));
    expect(formatTranscript(sample, "txt", { timestamps: true })).toBe(toTxt(sample, { timestamps: true }));
    expect(formatTranscript(sample, "srt")).toBe(toSrt(sample));
    expect(formatTranscript(sample, "vtt")).toBe(toVtt(sample));
    expect(formatTranscript(sample, "json", { metadata: { title: "a" } })).toBe(toJson(sample, { title: "a" }));
  });

  it("knows its formats", () => {
    expect(TRANSCRIPT_FORMATS).toEqual(["txt", "srt", "vtt", "json"]);
    expect(isTranscriptFormat("srt")).toBe(true);
    expect(isTranscriptFormat("SRT")).toBe(false);
    expect(isTranscriptFormat(undefined)).toBe(false);
  });
});

describe("fileNameFor", () => {
  it.each([
    ["voice.ogg", "srt", "voice.srt"],
    ["Meeting notes.M4A", "txt", "Meeting notes.txt"],
    ["talk.2024.01.mp3", "vtt", "talk.2024.01.vtt"],
    ["Mr. Smith", "json", "Mr. Smith.json"],
    ["report.v2", "txt", "report.v2.txt"],
    ["a/b\\c:d*e?f\"g<h>i|j", "txt", "a b c d e f g h i j.txt"],
    ["  ..hidden.. ", "srt", "hidden.srt"],
    ["", "txt", "transcript.txt"],
    ["???", "vtt", "transcript.vtt"],
    ["line\nbreak\u0000", "txt", "line break.txt"],
    ["ご視聴.opus", "srt", "ご視聴.srt"],
    [".ogg", "txt", "ogg.txt"],
  ] as const)("%j + %s → %j", (base, format, expected) => {
    expect(fileNameFor(base, format)).toBe(expected);
  });

  it("shortens long names without splitting characters", () => {
    const name = fileNameFor("🎙️".repeat(200), "txt");
    expect(Array.from(name.slice(0, -4)).length).toBeLessThanOrEqual(120);
    expect(name.endsWith(".txt")).toBe(true);
    expect(name).not.toMatch(/\uD83C(?![\uDF00-\uDFFF])/);
  });
});

describe("mimeTypeFor", () => {
  it("gives a UTF-8 type per format", () => {
    expect(mimeTypeFor("txt")).toBe("text/plain;charset=utf-8");
    expect(mimeTypeFor("srt")).toBe("application/x-subrip;charset=utf-8");
    expect(mimeTypeFor("vtt")).toBe("text/vtt;charset=utf-8");
    expect(mimeTypeFor("json")).toBe("application/json;charset=utf-8");
  });
});

import { describe, expect, it } from "vitest";
import { SseParser } from "../../../../lib/relay/sse-parser";

describe("SseParser", () => {
  it("parses events, ids, comments and multi-line data", () => {
    const parser = new SseParser();
    const events = parser.push(": ping\n\nretry: 2500\nid: 7\nevent: job\ndata: {\"a\":1}\n\ndata: line one\ndata: line two\n\n");
    expect(events).toEqual([
      { event: "job", data: '{"a":1}', id: "7" },
      { event: "message", data: "line one\nline two", id: "7" },
    ]);
    expect(parser.lastEventId).toBe("7");
    expect(parser.retry).toBe(2500);
  });

  it("handles chunks split anywhere, including between CR and LF", () => {
    const stream = "id: 1\r\nevent: job\r\ndata: x\r\n\r\nid: 2\revent: job-gone\rdata: y\r\r";
    for (let size = 1; size <= 7; size += 1) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toEqual([
        { event: "job", data: "x", id: "1" },
        { event: "job-gone", data: "y", id: "2" },
      ]);
    }
  });

  it("follows the spec's small print", () => {
    const parser = new SseParser("3");
    // BOM at the start; field without colon; value without space; unknown field; event without data is dropped.
    expect(parser.push("\uFEFFdata\nfoo: bar\ndata:x\n\nevent: lonely\n\n")).toEqual([{ event: "message", data: "\nx", id: "3" }]);
    // An id with NUL is ignored; a non-numeric retry is ignored.
    expect(parser.push("id: a\u0000b\nretry: soon\ndata: z\n\n")).toEqual([{ event: "message", data: "z", id: "3" }]);
    expect(parser.retry).toBeNull();
    // An incomplete event is held until its blank line.
    expect(parser.push("data: partial")).toEqual([]);
    expect(parser.push("\n\n")).toEqual([{ event: "message", data: "partial", id: "3" }]);
  });
});

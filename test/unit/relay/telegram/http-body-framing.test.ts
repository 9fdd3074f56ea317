import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../../../relay/errors";
import { framingFor, parseResponseHead } from "../../../../relay/telegram/http-body-framing";

/** Feeds `wire` to the framing in pieces of `step` bytes and returns the body it found. */
function decode(head: string, wire: Buffer, step: number): { body: string; complete: boolean } {
  const framing = framingFor(parseResponseHead(head));
  let body = "";
  for (let at = 0; at < wire.length; at += step) {
    const piece = wire.subarray(at, Math.min(wire.length, at + step));
    framing.take(piece, 0, piece.length, (start, end) => (body += piece.subarray(start, end).toString("latin1")));
  }
  return { body, complete: framing.complete };
}

describe("parseResponseHead", () => {
  it("reads the status and lower-cased headers", () => {
    const head = parseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-A: b:c");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("12");
    expect(head.headers.get("x-a")).toBe("b:c");
  });

  it("refuses what is not HTTP/1.x", () => {
    expect(() => parseResponseHead("SSH-2.0-OpenSSH")).toThrow(UpstreamError);
    expect(() => parseResponseHead("HTTP/1.1 200 OK\r\nno colon")).toThrow(UpstreamError);
  });
});

describe("framingFor", () => {
  it("stops at Content-Length, whatever follows", () => {
    for (const step of [1, 3, 100]) expect(decode("HTTP/1.1 200 OK\r\nContent-Length: 5", Buffer.from("hello, and more"), step)).toEqual({ body: "hello", complete: true });
  });

  it("decodes a chunked body split anywhere, skipping extensions and trailers", () => {
    const wire = Buffer.from("5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: y\r\n\r\n");
    for (const step of [1, 2, 5, 64]) {
      expect(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", wire, step)).toEqual({ body: "hello, world", complete: true });
    }
  });

  it("refuses a malformed chunked body and unknown encodings", () => {
    expect(() => decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", Buffer.from("zz\r\n"), 4)).toThrow(UpstreamError);
    expect(() => framingFor(parseResponseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip"))).toThrow(UpstreamError);
  });

  it("reads to the end of the connection without a length", () => {
    const framing = framingFor(parseResponseHead("HTTP/1.1 200 OK"));
    expect(framing.complete).toBe(false);
    expect(framing.endedCleanly()).toBe(true);
  });
});

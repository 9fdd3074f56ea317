/**
 * The HTTP/1.1 response head and body framing that `file-download.ts` needs to read a download
 * from its own fixed buffer: parsing the status line and headers, and finding where the body's
 * bytes are in each read (Content-Length, chunked, or until the connection closes) without
 * copying them.
 */
import { UpstreamError } from "../errors";

/** A parsed response head. Header names are lower case; repeated headers keep the last value. */
export interface ResponseHead {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
}

/** Use on the text before the blank line (latin1); throws {@link UpstreamError} for anything that is not an HTTP/1.x response. */
export function parseResponseHead(text: string): ResponseHead {
  const [statusLine = "", ...lines] = text.split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (match === null) throw new UpstreamError("the file server did not answer with HTTP/1.1");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new UpstreamError("the file server sent a malformed header");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(match[1]), headers };
}

/** Receives each run of body bytes found in a read: `buffer[start, end)`. */
export type BodyView = (start: number, end: number) => void;

/** Finds the body's bytes in each read of the connection. */
export interface BodyFraming {
  /** Hands every run of body bytes within `buffer[start, end)` to `view`, in order. */
  take(buffer: Uint8Array, start: number, end: number, view: BodyView): void;
  /** True once the whole body was seen. */
  readonly complete: boolean;
  /** Called when the connection ended; true when that is a proper end of the body. */
  endedCleanly(): boolean;
}

/** Use to pick the framing the response head announces. */
export function framingFor(head: ResponseHead): BodyFraming {
  const encoding = head.headers.get("transfer-encoding")?.toLowerCase();
  if (encoding !== undefined && encoding !== "identity") {
    if (encoding !== "chunked") throw new UpstreamError(`the file server used an unsupported transfer encoding (${encoding})`);
    return new ChunkedFraming();
  }
  const length = contentLength(head);
  return length === null ? new UntilCloseFraming() : new LengthFraming(length);
}

/** The Content-Length header as a number, or null when absent or unusable. */
export function contentLength(head: ResponseHead): number | null {
  const raw = head.headers.get("content-length");
  const length = raw === undefined || !/^\d+$/.test(raw) ? Number.NaN : Number(raw);
  return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

class LengthFraming implements BodyFraming {
  constructor(private remaining: number) {}

  get complete(): boolean {
    return this.remaining === 0;
  }

  take(_buffer: Uint8Array, start: number, end: number, view: BodyView): void {
    const stop = Math.min(end, start + this.remaining);
    if (stop <= start) return;
    this.remaining -= stop - start;
    view(start, stop);
  }

  endedCleanly(): boolean {
    return this.complete;
  }
}

class UntilCloseFraming implements BodyFraming {
  readonly complete = false;

  take(_buffer: Uint8Array, start: number, end: number, view: BodyView): void {
    if (end > start) view(start, end);
  }

  endedCleanly(): boolean {
    return true;
  }
}

const CR = 13;
const LF = 10;
/** A chunk-size line (with extensions) or trailer line longer than this is refused. */
const LINE_LIMIT = 4096;

/** Transfer-Encoding: chunked, decoded in place: data runs are handed on, size lines and trailers skipped. */
class ChunkedFraming implements BodyFraming {
  private state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  private line = "";
  private remaining = 0;

  get complete(): boolean {
    return this.state === "done";
  }

  endedCleanly(): boolean {
    return this.complete;
  }

  take(buffer: Uint8Array, start: number, end: number, view: BodyView): void {
    let at = start;
    while (at < end && this.state !== "done") {
      if (this.state === "data") {
        const stop = Math.min(end, at + this.remaining);
        view(at, stop);
        this.remaining -= stop - at;
        at = stop;
        if (this.remaining === 0) this.state = "data-end";
        continue;
      }
      const byte = buffer[at] ?? 0;
      at += 1;
      if (byte !== LF) {
        if (byte !== CR) this.line += String.fromCharCode(byte);
        if (this.line.length > LINE_LIMIT) throw new UpstreamError("the file server sent a malformed chunked body");
        continue;
      }
      const line = this.line;
      this.line = "";
      this.endLine(line);
    }
  }

  private endLine(line: string): void {
    if (this.state === "data-end") {
      if (line !== "") throw new UpstreamError("the file server sent a malformed chunked body");
      this.state = "size";
    } else if (this.state === "size") {
      const size = /^([0-9a-fA-F]{1,12})(?:\s*;.*)?$/.exec(line)?.[1];
      if (size === undefined) throw new UpstreamError("the file server sent a malformed chunked body");
      this.remaining = Number.parseInt(size, 16);
      this.state = this.remaining === 0 ? "trailer" : "data";
    } else if (this.state === "trailer" && line === "") {
      this.state = "done";
    }
  }
}

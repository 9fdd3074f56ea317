/**
 * Reading Server-Sent Events from a `fetch` body: the relay client uses it rather than
 * `EventSource`, because `EventSource` cannot send the `Authorization` header.
 */

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event:` field, or "message" when absent. */
  readonly event: string;
  /** The `data:` lines joined with "\n". */
  readonly data: string;
  /** The last `id:` seen so far in the stream (it persists across events), or null. */
  readonly id: string | null;
}

/**
 * An incremental parser for the `text/event-stream` format (WHATWG HTML §9.2): feed it decoded
 * text in chunks of any size; it returns the events completed by each chunk. Handles CRLF, LF and
 * CR line ends (also split across chunks), comments, multi-line data, `id` and `retry`.
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private eventName = "";
  private pendingCarriageReturn = false;
  private started = false;
  private currentId: string | null;
  private retryMs: number | null = null;

  constructor(lastEventId: string | null = null) {
    this.currentId = lastEventId;
  }

  /** The id to send as `Last-Event-ID` when reconnecting. */
  get lastEventId(): string | null {
    return this.currentId;
  }

  /** The reconnection delay the server asked for, if any. */
  get retry(): number | null {
    return this.retryMs;
  }

  /** Consumes `chunk`; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCarriageReturn && text.startsWith("\n")) text = text.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += text;

    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i += 1) {
      const char = this.buffer[i];
      if (char !== "\n" && char !== "\r") continue;
      const line = this.buffer.slice(start, i);
      if (char === "\r") {
        if (i + 1 === this.buffer.length) this.pendingCarriageReturn = true;
        else if (this.buffer[i + 1] === "\n") i += 1;
      }
      start = i + 1;
      const event = this.line(line);
      if (event !== null) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line.length === 0) return this.dispatch();
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventName = value;
        break;
      case "data":
        this.data.push(value);
        break;
      case "id":
        if (!value.includes("\u0000")) this.currentId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    const name = this.eventName;
    const data = this.data;
    this.eventName = "";
    this.data = [];
    if (data.length === 0) return null;
    return { event: name.length === 0 ? "message" : name, data: data.join("\n"), id: this.currentId };
  }
}

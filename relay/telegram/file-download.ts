/**
 * Downloads a file over HTTP(S) into one 64 KB buffer that the download owns, and writes each read
 * straight on to the browser's response, reading again only once that write went out. Node's
 * ordinary clients (http.get, fetch) allocate a fresh native buffer for every socket read, freed
 * only when V8 next collects: at 50 concurrent 19 MB streams that left tens of megabytes of spent
 * read buffers waiting for a collection and fragmented glibc's heap so it never shrank again. Here
 * nothing is allocated per chunk; memory is one buffer per open download, whatever the file size.
 * Errors never include the URL: for Telegram it contains the bot token.
 */
import { connect as netConnect, type OnReadOpts, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import type { Writable } from "node:stream";
import { redactSecrets } from "../../lib/redact";
import { UpstreamError } from "../errors";
import { contentLength, framingFor, parseResponseHead, type BodyFraming } from "./http-body-framing";

/** An open download: the head arrived with 200, the body is unread. */
export interface Download {
  readonly contentLength: number | null;
  /**
   * Writes the body to `destination` and ends it, following its backpressure; resolves when all
   * was written. On a failure of either side both are destroyed and it rejects. Call once.
   */
  pipeTo(destination: Writable): Promise<void>;
  /** Drops the download unread. */
  cancel(): void;
}

/** Time allowed for the server to start answering. */
const RESPONSE_TIMEOUT_MS = 30_000;
/** Bytes read from the connection at a time, which is also all a download holds. */
const READ_BUFFER_BYTES = 64 * 1024;
/** A response head longer than this is refused. */
const HEAD_LIMIT_BYTES = 32 * 1024;
/** Read buffers kept for the next downloads once theirs finished (at most this many). */
const SPARE_LIMIT = 64;

// Each download's buffer goes back here when it is done with, so a warm relay allocates none at all:
// a 64 KB buffer per download, freed only at the next GC, would fragment glibc's heap over a long run.
const spare: Buffer[] = [];
const takeBuffer = (): Buffer => spare.pop() ?? Buffer.allocUnsafe(READ_BUFFER_BYTES);
const giveBack = (buffer: Buffer): void => {
  if (spare.length < SPARE_LIMIT) spare.push(buffer);
};

/** Starts a GET of `url`; resolves once the status line and headers arrived with 200. */
export function openDownload(url: string, signal: AbortSignal): Promise<Download> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  if (!secure && target.protocol !== "http:") return Promise.reject(new UpstreamError("the file URL is neither http nor https"));
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = target.port === "" ? (secure ? 443 : 80) : Number(target.port);
  const buffer = takeBuffer();
  let recycled = false;
  /** Once, and only once nothing (a socket read, a pending write) can touch the buffer any more. */
  const recycle = (): void => {
    if (recycled) return;
    recycled = true;
    giveBack(buffer);
  };
  // Replaced once the head is read: first the head reader, then the body pump.
  let onBytes: (count: number) => boolean = () => true;
  const onread: OnReadOpts = { buffer, callback: (count) => onBytes(count) };
  const options: ConnectionOptions & { onread: OnReadOpts } = { host, port, servername: host, onread };
  const socket: Socket = secure ? tlsConnect(options) : netConnect({ host, port, onread });
  const abort = (): void => {
    socket.destroy(new UpstreamError("the file download was cancelled"));
  };
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  const release = (): void => signal.removeEventListener("abort", abort);

  return new Promise<Download>((resolve, reject) => {
    let head = "";
    const fail = (error: Error): void => {
      release();
      socket.destroy();
      recycle();
      reject(error instanceof UpstreamError ? error : new UpstreamError(`the file download failed (${error.name})`, { cause: scrub(error) }));
    };
    const onError = (error: Error): void => fail(error);
    const onEnd = (): void => fail(new UpstreamError("the file server closed the connection without answering"));
    socket.setTimeout(RESPONSE_TIMEOUT_MS, () => socket.destroy(new UpstreamError("the file server did not answer in time")));
    socket.on("error", onError);
    socket.on("end", onEnd);
    socket.on(secure ? "secureConnect" : "connect", () => {
      const path = `${target.pathname}${target.search}`;
      const hostHeader = target.port === "" ? target.hostname : `${target.hostname}:${target.port}`;
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`);
    });
    onBytes = (count) => {
      head += buffer.toString("latin1", 0, count);
      const blank = head.indexOf("\r\n\r\n");
      if (blank === -1) {
        if (head.length > HEAD_LIMIT_BYTES) fail(new UpstreamError("the file server sent an oversized response head"));
        return true;
      }
      // Bytes of this read after the blank line are the body's first; they wait in the buffer.
      const bodyStart = count - (head.length - (blank + 4));
      try {
        const parsed = parseResponseHead(head.slice(0, blank));
        if (parsed.status !== 200) {
          fail(new UpstreamError(`the file server answered ${parsed.status}`, { context: { status: parsed.status } }));
          return false;
        }
        const framing = framingFor(parsed);
        socket.setTimeout(0);
        socket.off("error", onError);
        socket.off("end", onEnd);
        // Until the body is piped, a failure shows as the connection being closed.
        socket.on("error", () => undefined);
        onBytes = () => false;
        const setReader = (reader: (count: number) => boolean): void => {
          onBytes = reader;
        };
        resolve(bodyPump(socket, buffer, framing, { start: bodyStart, end: count }, contentLength(parsed), setReader, release, recycle));
      } catch (error) {
        fail(error instanceof Error ? error : new UpstreamError("the file server sent an unreadable head"));
      }
      // Paused until the body is piped somewhere.
      return false;
    };
  });
}

/**
 * The {@link Download} over a connection whose head was read; `waiting` is the part of `buffer`
 * already read; `setReader` makes later reads of the connection go to the given function.
 */
function bodyPump(
  socket: Socket,
  buffer: Buffer,
  framing: BodyFraming,
  waiting: { readonly start: number; readonly end: number },
  length: number | null,
  setReader: (reader: (count: number) => boolean) => void,
  release: () => void,
  recycle: () => void,
): Download {
  let started = false;
  return {
    contentLength: length,
    cancel() {
      release();
      socket.destroy();
      if (!started) recycle();
    },
    pipeTo(destination) {
      if (started) return Promise.reject(new Error("a download can be piped only once"));
      started = true;
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        let ending = false;
        const settle = (error: Error | null): void => {
          if (settled) return;
          settled = true;
          release();
          destination.off("error", settle);
          destination.off("close", onDestinationClose);
          socket.destroy();
          if (error === null) {
            // The destination has written everything: the buffer is free.
            recycle();
            resolve();
          } else {
            // Without the error: the caller hears of it from the promise, and nobody may listen on the destination.
            destination.destroy();
            reject(error);
          }
        };
        const finish = (): void => {
          if (ending) return;
          ending = true;
          destination.end(() => settle(null));
        };
        /** Writes the body runs of `buffer[start, end)`; true when nothing was written (read on). */
        const forward = (start: number, end: number): boolean => {
          if (settled || ending) return false;
          const runs: Array<readonly [number, number]> = [];
          try {
            framing.take(buffer, start, end, (from, to) => runs.push([from, to]));
          } catch (error) {
            settle(error instanceof Error ? error : new UpstreamError("the file download failed"));
            return false;
          }
          const last = runs.pop();
          if (last === undefined) {
            if (framing.complete) finish();
            return !framing.complete;
          }
          for (const [from, to] of runs) destination.write(buffer.subarray(from, to));
          // The buffer is read into again only once the destination let go of these bytes.
          destination.write(buffer.subarray(last[0], last[1]), (error) => {
            if (error !== undefined && error !== null) settle(error);
            else if (framing.complete) finish();
            else readOn();
          });
          return false;
        };
        const readOn = (): void => {
          if (settled || ending) return;
          if (!socket.destroyed) socket.resume();
          else if (framing.endedCleanly()) finish();
          else settle(new UpstreamError("the file download ended early"));
        };
        const onDestinationClose = (): void => {
          if (!destination.writableFinished) settle(new Error("the receiver went away"));
        };
        socket.on("error", (error: Error) => {
          settle(error instanceof UpstreamError ? error : new UpstreamError(`the file download failed (${error.name})`, { cause: scrub(error) }));
        });
        socket.on("end", () => {
          if (framing.endedCleanly()) finish();
          else settle(new UpstreamError("the file download ended early"));
        });
        socket.on("close", () => {
          if (!ending) settle(new UpstreamError("the file download ended early"));
        });
        destination.on("error", settle);
        destination.on("close", onDestinationClose);
        setReader((count) => forward(0, count));
        if (forward(waiting.start, waiting.end)) readOn();
      });
    },
  };
}

/** A copy of `error` whose message cannot leak the URL. */
function scrub(error: Error): Error {
  const copy = new Error(redactSecrets(error.message));
  copy.name = error.name;
  return copy;
}

/**
 * Use to build the download URL of a Bot API `file_path`: each segment is encoded, and `.`, `..`
 * and empty segments are refused (502), so Telegram's answer cannot point the request elsewhere
 * on the Bot API host.
 */
export function fileDownloadUrl(apiRoot: string, token: string, filePath: string): string {
  const segments = filePath.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".." || /[\\\0]/.test(segment))) {
    throw new UpstreamError("Telegram gave an unusable download path for this file");
  }
  return `${apiRoot}/file/bot${token}/${segments.map(encodeURIComponent).join("/")}`;
}

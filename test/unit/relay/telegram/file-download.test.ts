import { createServer, type Server, type ServerResponse } from "node:http";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { UpstreamError } from "../../../../relay/errors";
import { fileDownloadUrl, openDownload } from "../../../../relay/telegram/file-download";

describe("fileDownloadUrl", () => {
  it("encodes each segment of Telegram's file_path", () => {
    expect(fileDownloadUrl("https://api.telegram.org", "1:ab", "voice/file 1.oga")).toBe("https://api.telegram.org/file/bot1:ab/voice/file%201.oga");
  });

  it("refuses . and .. and empty segments before building the URL", () => {
    for (const path of ["../bot1:ab/getMe", "voice/../../x", "./voice/a.oga", "voice//a.oga", "/etc/passwd", "voice/a\\..\\b"]) {
      expect(() => fileDownloadUrl("https://api.telegram.org", "1:ab", path)).toThrow(UpstreamError);
    }
  });
});

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = null;
});

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  const started = createServer((_req, res) => handler(res));
  server = started;
  await new Promise<void>((resolve) => started.listen(0, "127.0.0.1", resolve));
  const address = started.address();
  return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/file/bot1:secret/voice.oga`;
}

/** A destination that takes `delayMs` per write, keeping a copy of what it got. */
function slowSink(delayMs: number): { sink: Writable; received: () => Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      parts.push(Buffer.from(chunk));
      setTimeout(done, delayMs);
    },
  });
  return { sink, received: () => Buffer.concat(parts) };
}

const pattern = (size: number): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + (i >> 8)) % 251));

describe("openDownload", () => {
  it("hands on a Content-Length body byte for byte through a slow destination", async () => {
    const body = pattern(700_000);
    const url = await serve((res) => {
      res.writeHead(200, { "content-length": body.length });
      res.end(body);
    });
    const download = await openDownload(url, new AbortController().signal);
    expect(download.contentLength).toBe(body.length);
    const { sink, received } = slowSink(1);
    await download.pipeTo(sink);
    expect(received().equals(body)).toBe(true);
  });

  it("keeps concurrent and successive downloads apart (their buffers are reused)", async () => {
    const bodies = [pattern(300_000), Buffer.alloc(200_000, 7), pattern(150_000).reverse()];
    let next = 0;
    const url = await serve((res) => {
      const body = bodies[next++ % bodies.length] ?? Buffer.alloc(0);
      res.writeHead(200, { "content-length": body.length });
      res.end(body);
    });
    for (let round = 0; round < 2; round += 1) {
      const downloads = await Promise.all(bodies.map(() => openDownload(url, new AbortController().signal)));
      const sinks = downloads.map(() => slowSink(0));
      await Promise.all(downloads.map((download, i) => download.pipeTo(sinks[i]?.sink ?? slowSink(0).sink)));
      const got = sinks.map((sink) => sink.received());
      // Arrival order may differ from request order: compare as a set.
      for (const body of bodies) expect(got.some((received) => received.equals(body))).toBe(true);
    }
  });

  it("decodes a chunked body", async () => {
    const url = await serve((res) => {
      res.writeHead(200);
      res.write("hello, ");
      setTimeout(() => res.end("world"), 20);
    });
    const download = await openDownload(url, new AbortController().signal);
    expect(download.contentLength).toBeNull();
    const { sink, received } = slowSink(0);
    await download.pipeTo(sink);
    expect(received().toString()).toBe("hello, world");
  });

  it("fails with the status, never the URL, when the server does not answer 200", async () => {
    const url = await serve((res) => {
      res.writeHead(404);
      res.end("not found");
    });
    const error: unknown = await openDownload(url, new AbortController().signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(String(error)).toContain("404");
    expect(String(error)).not.toContain("secret");
  });

  it("fails when the body ends early, and destroys the destination", async () => {
    const url = await serve((res) => {
      res.writeHead(200, { "content-length": 1000 });
      res.write("x".repeat(10));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const download = await openDownload(url, new AbortController().signal);
    const { sink } = slowSink(0);
    await expect(download.pipeTo(sink)).rejects.toBeInstanceOf(UpstreamError);
    expect(sink.destroyed).toBe(true);
  });

  it("stops the download when the destination goes away", async () => {
    let closed = false;
    const url = await serve((res) => {
      res.writeHead(200, { "content-length": 50_000_000 });
      res.socket?.on("close", () => (closed = true));
      const more = (): void => {
        while (res.write(Buffer.alloc(65536))) {
          // Fill until backpressure.
        }
        res.once("drain", more);
      };
      more();
    });
    const download = await openDownload(url, new AbortController().signal);
    const { sink } = slowSink(1);
    setTimeout(() => sink.destroy(), 50);
    await expect(download.pipeTo(sink)).rejects.toThrow();
    await expect.poll(() => closed).toBe(true);
  });

  it("is cancelled by its signal before the head arrives", async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(openDownload(url, controller.signal)).rejects.toBeInstanceOf(UpstreamError);
  });
});

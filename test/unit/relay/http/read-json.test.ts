import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHttpHandler } from "../../../../relay/http/http-handler";
import { readJson } from "../../../../relay/http/read-json";
import { sendJson } from "../../../../relay/http/respond";
import { Router } from "../../../../relay/http/router";

const LIMIT = 1024;

describe("readJson over a real server", () => {
  let server: Server | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server?.closeAllConnections();
  });

  async function serve(): Promise<number> {
    vi.stubEnv("LOG_LEVEL", "silent");
    const router = new Router().on("POST", "/echo", async (ctx) => sendJson(ctx.res, 200, { got: await readJson(ctx.req, LIMIT) }));
    server = createServer(createHttpHandler(router, { corsOrigins: [], allowPrivateNetwork: false, trustProxy: { kind: "none" } }));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return (address satisfies AddressInfo).port;
  }

  it("answers 413 at once to a chunked body that grows past the limit, without waiting for its end", async () => {
    const port = await serve();
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ port, host: "127.0.0.1", method: "POST", path: "/echo", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      // Keep sending and never end the body.
      const timer = setInterval(() => req.write(Buffer.alloc(512, 0x20)), 5);
      req.on("close", () => clearInterval(timer));
      setTimeout(() => clearInterval(timer), 5000).unref();
    });
    expect(status).toBe(413);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("answers 413 to a declared Content-Length over the limit", async () => {
    const port = await serve();
    const response = await fetch(`http://127.0.0.1:${port}/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(LIMIT + 1) });
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
  });

  it("answers 415 to a body without or with a wrong Content-Type, and reads an empty body as {}", async () => {
    const port = await serve();
    const url = `http://127.0.0.1:${port}/echo`;
    const none = await fetch(url, { method: "POST", body: new Uint8Array(Buffer.from('{"a":1}')) });
    expect(none.status).toBe(415);
    const text = await fetch(url, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"a":1}' });
    expect(text.status).toBe(415);
    const empty = await fetch(url, { method: "POST" });
    expect(await empty.json()).toEqual({ got: {} });
    const good = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(await good.json()).toEqual({ got: { a: 1 } });
  });
});

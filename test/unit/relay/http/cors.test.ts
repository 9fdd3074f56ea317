import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { answerPreflight, applyCorsHeaders } from "../../../../relay/http/cors";

describe("CORS", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  });

  async function serve(allowed: readonly string[], allowPrivateNetwork: boolean): Promise<string> {
    server = createServer((req, res) => {
      applyCorsHeaders(req, res, allowed);
      if (req.method === "OPTIONS") answerPreflight(req, res, allowed, allowPrivateNetwork);
      else res.end("ok");
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return `http://127.0.0.1:${address.port}`;
  }

  const preflight = (url: string, origin: string): Promise<Response> =>
    fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-private-network": "true" } });

  it("allows only the listed origins, and answers Private Network Access only when allowed", async () => {
    const url = await serve(["http://127.0.0.1:3210"], false);
    const own = await preflight(url, "http://127.0.0.1:3210");
    expect(own.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:3210");
    expect(own.headers.get("access-control-allow-private-network")).toBeNull();
    const other = await preflight(url, "https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("access-control-allow-methods")).toBeNull();
  });

  it("answers Private Network Access where the operator allowed it", async () => {
    const url = await serve(["https://app.example"], true);
    expect((await preflight(url, "https://app.example")).headers.get("access-control-allow-private-network")).toBe("true");
  });
});

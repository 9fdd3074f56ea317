import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StoreError, StoreUnavailableError } from "../../../../relay/errors";
import { createHttpHandler } from "../../../../relay/http/http-handler";
import { Router } from "../../../../relay/http/router";

describe("the HTTP error handler", () => {
  let server: Server | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  });

  async function serve(router: Router): Promise<string> {
    vi.stubEnv("LOG_LEVEL", "silent");
    server = createServer(createHttpHandler(router, { corsOrigins: ["*"], allowPrivateNetwork: false, trustProxy: { kind: "none" } }));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("answers an unreachable store with 503 and Retry-After, and other store failures with 500", async () => {
    const router = new Router();
    router.on("GET", "/down", async () => {
      throw new StoreUnavailableError("Redis could not be reached for getJob: Command timed out");
    });
    router.on("GET", "/broken", async () => {
      throw new StoreError("stored job j1 lacks \"kind\"");
    });
    const url = await serve(router);
    const down = await fetch(`${url}/down`);
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(await down.json()).toEqual({ error: { code: "internal", message: "the relay cannot reach its store right now; try again shortly" } });
    const broken = await fetch(`${url}/broken`);
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ error: { code: "internal", message: "internal error" } });
  });
});

import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { applyServerTimeouts, SERVER_TIMEOUTS } from "../../../../relay/http/server-timeouts";

describe("applyServerTimeouts", () => {
  it("sets header, request and keep-alive timeouts, headers first", () => {
    const server = createServer();
    applyServerTimeouts(server);
    expect(server.headersTimeout).toBe(SERVER_TIMEOUTS.headersMs);
    expect(server.requestTimeout).toBe(SERVER_TIMEOUTS.requestMs);
    expect(server.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveMs);
    expect(server.headersTimeout).toBeLessThanOrEqual(server.requestTimeout);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../../lib/logger";

const TOKEN = "123456:TEST-fake_token_for_relay_tests_0123456789";

describe("createLogger", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it("redacts secrets in the line and in every detail, errors with their causes included", () => {
    vi.stubEnv("LOG_LEVEL", "debug");
    const written: unknown[][] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      written.push(args);
    });
    const cause = new Error(`request to https://api.telegram.org/bot${TOKEN}/getFile failed`);
    createLogger("test").error(`failed for ${TOKEN}`, new Error("Network request for 'getFile' failed!", { cause }), { token: "abc" });
    expect(written).toHaveLength(1);
    const [line, error, detail] = written[0] ?? [];
    expect(line).toBe("[test] failed for <redacted>");
    expect(typeof error).toBe("string");
    expect(String(error)).toContain("caused by: Error: request to https://api.telegram.org/bot<redacted>/getFile failed");
    expect(detail).toBe('{"token":"<redacted>"}');
    expect(JSON.stringify(written)).not.toContain("TEST-fake_token");
  });

  it("writes nothing below LOG_LEVEL", () => {
    vi.stubEnv("LOG_LEVEL", "silent");
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    createLogger("test").error("x");
    expect(spy).not.toHaveBeenCalled();
  });
});

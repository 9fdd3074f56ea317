import { afterEach, describe, expect, it } from "vitest";
import { initDataFor, testUser } from "../../support/fake-bot-api";
import { startHarness, type Harness } from "./harness";

describe("link limits over sockets", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  const guess = (harness: Harness, from?: string): Promise<Response> =>
    harness.http("POST", "/api/session/code", { body: { code: "AAAA-AAAA" }, ...(from === undefined ? {} : { headers: { "x-forwarded-for": from } }) });

  it("keeps code guesses and init-data sign-ins in separate buckets", async () => {
    h = await startHarness({ RELAY_CODE_GUESSES_PER_MIN: "3", RELAY_LINKS_PER_MIN: "3" });
    for (let i = 0; i < 3; i += 1) expect((await guess(h)).status).toBe(401);
    expect((await guess(h)).status).toBe(429);
    // Guessing does not lock out a sign-in with valid init data from the same address…
    const initData = initDataFor(h.api.token, testUser(9001));
    expect((await h.http("POST", "/api/session/telegram", { body: { initData } })).status).toBe(200);
    // …and signing in is never charged as a guess.
    expect((await h.http("POST", "/api/session/telegram", { body: { initData } })).status).toBe(200);
    expect((await guess(h)).status).toBe(429);
  });

  it("trusts X-Forwarded-For only from configured proxies, and caps guesses from everyone together", async () => {
    h = await startHarness({ RELAY_TRUST_PROXY: "1", RELAY_CODE_GUESSES_PER_MIN: "2", RELAY_CODE_GUESSES_GLOBAL_PER_MIN: "5" });
    // Behind one trusted proxy, each client address has its own bucket.
    expect((await guess(h, "203.0.113.1")).status).toBe(401);
    expect((await guess(h, "203.0.113.1")).status).toBe(401);
    expect((await guess(h, "203.0.113.1")).status).toBe(429);
    // A client cannot dodge its bucket by prepending addresses: the proxy's entry is the last one.
    expect((await guess(h, "6.6.6.6, 203.0.113.1")).status).toBe(429);
    expect((await guess(h, "203.0.113.2")).status).toBe(401);
    expect((await guess(h, "203.0.113.3")).status).toBe(401);
    expect((await guess(h, "203.0.113.4")).status).toBe(401);
    // Five guesses in all: the global ceiling now refuses a fresh address too.
    const refused = await guess(h, "203.0.113.5");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("without a trusted proxy, X-Forwarded-For changes nothing", async () => {
    h = await startHarness({ RELAY_CODE_GUESSES_PER_MIN: "1" });
    expect((await guess(h, "203.0.113.1")).status).toBe(401);
    expect((await guess(h, "203.0.113.2")).status).toBe(429);
  });
});

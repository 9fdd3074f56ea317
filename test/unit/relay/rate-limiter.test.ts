import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../relay/rate-limiter";

describe("RateLimiter", () => {
  it("allows the limit per window per key and says when to retry", () => {
    const limiter = new RateLimiter(2, 60_000);
    expect(limiter.take("a", 0)).toEqual({ ok: true });
    expect(limiter.take("a", 1000)).toEqual({ ok: true });
    expect(limiter.take("a", 2000)).toEqual({ ok: false, retryAfterSeconds: 58 });
    expect(limiter.take("b", 2000)).toEqual({ ok: true });
    expect(limiter.take("a", 60_000)).toEqual({ ok: true });
  });
});

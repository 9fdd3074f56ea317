import { describe, expect, it } from "vitest";
import { StoreError, StoreUnavailableError } from "../../../../relay/errors";
import { toStoreError } from "../../../../relay/redis/redis-connection";

describe("toStoreError", () => {
  it("keeps an error reply from Redis a plain StoreError (a bug or bad data: retrying will not help)", () => {
    const reply = Object.assign(new Error("ERR wrong number of arguments"), { name: "ReplyError" });
    const error = toStoreError(reply, "script claimJob");
    expect(error).toBeInstanceOf(StoreError);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toBe("Redis refused script claimJob: ERR wrong number of arguments");
    expect(error.cause).toBe(reply);
  });

  it("makes a timeout or a closed connection a StoreUnavailableError (retry later)", () => {
    for (const message of ["Command timed out", "Connection is closed.", "connect ECONNREFUSED 127.0.0.1:6379"]) {
      const error = toStoreError(new Error(message), "getJob");
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toBe(`Redis could not be reached for getJob: ${message}`);
    }
  });

  it("passes store errors through", () => {
    const original = new StoreUnavailableError("already classified");
    expect(toStoreError(original, "x")).toBe(original);
  });
});

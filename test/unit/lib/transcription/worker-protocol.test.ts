import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { isWorkerRequest, isWorkerResponse, newRequestId, serializeError } from "@/lib/transcription/worker-protocol";

describe("serializeError", () => {
  it("keeps name, message and an AppError's code", () => {
    expect(serializeError(new AppError("not-loaded", "no model"))).toEqual({ name: "AppError", message: "no model", code: "not-loaded" });
    expect(serializeError(new RangeError("Array buffer allocation failed"))).toEqual({
      name: "RangeError",
      message: "Array buffer allocation failed",
      code: "unknown",
    });
  });

  it("accepts plain objects, strings and numbers thrown by libraries", () => {
    expect(serializeError({ name: "OrtError", message: "bad_alloc" })).toEqual({ name: "OrtError", message: "bad_alloc", code: "unknown" });
    expect(serializeError("Aborted()")).toEqual({ name: "Error", message: "Aborted()", code: "unknown" });
    expect(serializeError(12345).message).toBe("12345");
  });

  it("survives structured cloning", () => {
    const clone = structuredClone(serializeError(new TypeError("boom")));
    expect(clone.message).toBe("boom");
  });
});

describe("message guards", () => {
  it("accept each request type and reject anything else", () => {
    for (const type of ["load", "transcribe", "cancel"]) expect(isWorkerRequest({ type, requestId: "r" })).toBe(true);
    expect(isWorkerRequest({ type: "result", requestId: "r" })).toBe(false);
    expect(isWorkerRequest({ type: "load" })).toBe(false);
    expect(isWorkerRequest(null)).toBe(false);
    expect(isWorkerRequest("load")).toBe(false);
  });

  it("accept each response type and reject requests", () => {
    for (const type of ["progress", "loaded", "result", "cancelled", "error"]) expect(isWorkerResponse({ type, requestId: "r" })).toBe(true);
    expect(isWorkerResponse({ type: "transcribe", requestId: "r" })).toBe(false);
  });

  it("request ids are unique", () => {
    expect(new Set(Array.from({ length: 100 }, newRequestId)).size).toBe(100);
  });
});

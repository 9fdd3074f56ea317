import { describe, expect, it } from "vitest";
import { SHARE_FILE_FIELD, firstSharedFile, parseShareParam, shareRedirectPath, storeSharedFile, takeSharedFile } from "@/lib/offline/share-target";
import { MemoryCacheStorage } from "../../../support/memory-caches";

const ORIGIN = "http://127.0.0.1:3210";

describe("share target", () => {
  it("keeps a shared file until the page takes it, once, with its name and type", async () => {
    const storage = new MemoryCacheStorage();
    const id = await storeSharedFile(new File(["OggS voice"], "voice note.ogg", { type: "audio/ogg" }), storage, ORIGIN);
    expect(parseShareParam(shareRedirectPath({ kind: "file", id }).slice(1))).toEqual({ kind: "file", id });

    const file = await takeSharedFile(id, storage, ORIGIN);
    expect(file?.name).toBe("voice note.ogg");
    expect(file?.type).toBe("audio/ogg");
    expect(await file?.text()).toBe("OggS voice");
    expect(await takeSharedFile(id, storage, ORIGIN)).toBeNull();
  });

  it("reads the outcome from the page URL", () => {
    expect(parseShareParam("")).toBeNull();
    expect(parseShareParam("?share=empty")).toEqual({ kind: "empty" });
    expect(parseShareParam("?share=unsupported")).toEqual({ kind: "unsupported" });
    expect(parseShareParam("?share=../../etc")).toEqual({ kind: "failed" });
  });

  it("finds the shared file in the named field first, else in any field", () => {
    const named = new FormData();
    named.append("title", "A voice note");
    named.append(SHARE_FILE_FIELD, new File(["a"], "a.ogg"));
    expect(firstSharedFile(named)?.name).toBe("a.ogg");

    const other = new FormData();
    other.append("file", new File(["b"], "b.m4a"));
    expect(firstSharedFile(other)?.name).toBe("b.m4a");

    const none = new FormData();
    none.append("text", "no file");
    none.append(SHARE_FILE_FIELD, new File([], "empty.ogg"));
    expect(firstSharedFile(none)).toBeNull();
  });
});

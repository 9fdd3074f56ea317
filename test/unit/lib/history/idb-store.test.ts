import { describe, expect, it } from "vitest";
import { TranscriptHistoryError } from "../../../../lib/history/history-error";
import { HISTORY_DB_NAME, HISTORY_DB_VERSION, openTranscriptHistory } from "../../../../lib/history/idb-store";

describe("openTranscriptHistory without IndexedDB", () => {
  it("fails with history-unavailable when there is no IndexedDB", async () => {
    await expect(openTranscriptHistory({ indexedDB: undefined })).rejects.toMatchObject({ name: "TranscriptHistoryError", code: "history-unavailable" });
  });

  it("fails with history-unavailable when open() throws (sandboxed frames, blocked storage)", async () => {
    const factory = {
      open: () => {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    } as unknown as IDBFactory;
    const error = await openTranscriptHistory({ indexedDB: factory }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptHistoryError);
    expect(error).toMatchObject({ code: "history-unavailable" });
    expect((error as TranscriptHistoryError).message).toMatch(/not available/);
  });

  it("fails with history-unavailable when the open request errors (old Firefox private mode)", async () => {
    const opened: Array<{ name: string; version: number }> = [];
    const factory = {
      open(name: string, version: number) {
        opened.push({ name, version });
        const req: { error: DOMException; onerror: (() => void) | null } = { error: new DOMException("A mutation operation was attempted on a database that did not allow mutations.", "InvalidStateError"), onerror: null };
        queueMicrotask(() => req.onerror?.());
        return req;
      },
    } as unknown as IDBFactory;
    await expect(openTranscriptHistory({ indexedDB: factory })).rejects.toMatchObject({ code: "history-unavailable" });
    expect(opened).toEqual([{ name: HISTORY_DB_NAME, version: HISTORY_DB_VERSION }]);
  });
});

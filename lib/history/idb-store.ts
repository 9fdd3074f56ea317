/**
 * The history's IndexedDB store (database `whisper-history`, object store `transcripts`, one record
 * per transcript keyed by `id`). Where IndexedDB cannot be used (some private windows, sandboxed
 * frames, storage blocked by policy) every call fails with the code `history-unavailable`, so the UI
 * can say "history is off in this browser" once and keep transcribing.
 */
import { createLogger } from "../logger";
import { TranscriptHistoryError } from "./history-error";
import { isTranscriptRecord, normalizeTitle, sortNewestFirst, toPlainRecord, type TranscriptRecord } from "./record";
import { SearchIndex } from "./search-index";

const log = createLogger("transcript-history");

/** The IndexedDB database name. */
export const HISTORY_DB_NAME = "whisper-history";
/** The object store holding {@link TranscriptRecord}s, keyed by `id`. */
export const HISTORY_STORE = "transcripts";
/** Schema version of the database; version 1 has the store and a `createdAt` index. */
export const HISTORY_DB_VERSION = 1;

/** The operations on the history; {@link openTranscriptHistory} gives one over a database connection. */
export interface TranscriptHistory {
  /** Every transcript, newest first. Records that fail {@link isTranscriptRecord} are skipped (and logged). */
  list(): Promise<TranscriptRecord[]>;
  /** The transcripts matching `query` ({@link matchesQuery}), newest first; all of them for an empty query. */
  search(query: string): Promise<TranscriptRecord[]>;
  /** One transcript, or null when there is none with that id. */
  get(id: string): Promise<TranscriptRecord | null>;
  /** Stores a record, replacing one with the same id. Fails with `history-invalid` or `history-quota`. */
  save(record: TranscriptRecord): Promise<TranscriptRecord>;
  /** Stores many records in one transaction (an import): all of them or, on any failure, none. Fails like {@link TranscriptHistory.save}. */
  saveMany(records: readonly TranscriptRecord[]): Promise<void>;
  /** Changes a title (and `updatedAt`); fails with `history-not-found` or `history-invalid` (empty title). */
  rename(id: string, title: string): Promise<TranscriptRecord>;
  /** Deletes one transcript; deleting one that is not there is not an error. */
  delete(id: string): Promise<void>;
  /** Deletes every transcript. */
  clear(): Promise<void>;
  /** Closes the connection; later calls fail. */
  close(): void;
  /** True once the connection is closed: by {@link TranscriptHistory.close}, by an upgrade in another tab, or by the browser (site data cleared). */
  isClosed(): boolean;
}

/** What {@link openTranscriptHistory} needs from its surroundings; the defaults are the page's. */
export interface HistoryEnvironment {
  /** Default `globalThis.indexedDB` (undefined where the browser has none). */
  readonly indexedDB?: IDBFactory | undefined;
  /** Default `Date.now`. */
  readonly now?: () => number;
}

function domErrorName(error: unknown): string {
  return typeof error === "object" && error !== null && "name" in error && typeof error.name === "string" ? error.name : "";
}

function unavailable(cause: unknown): TranscriptHistoryError {
  return new TranscriptHistoryError("history-unavailable", "Transcript history is not available in this browser (private browsing or blocked storage); transcripts will not be kept.", { cause });
}

function failure(cause: unknown, action: string): TranscriptHistoryError {
  if (cause instanceof TranscriptHistoryError) return cause;
  if (domErrorName(cause) === "QuotaExceededError") {
    return new TranscriptHistoryError("history-quota", "There is no room left on this device to keep the transcript. Delete old transcripts or models and try again.", { cause });
  }
  if (domErrorName(cause) === "InvalidStateError" || domErrorName(cause) === "UnknownError") return unavailable(cause);
  return new TranscriptHistoryError("history-failed", `Could not ${action} the transcript history.`, { cause, context: { action } });
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException("transaction aborted", "AbortError"));
  });
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(HISTORY_DB_NAME, HISTORY_DB_VERSION);
    } catch (cause) {
      reject(unavailable(cause));
      return;
    }
    req.onupgradeneeded = (event) => {
      const db = req.result;
      if (event.oldVersion < 1) {
        const store = db.createObjectStore(HISTORY_STORE, { keyPath: "id" });
        store.createIndex("createdAt", "createdAt");
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(unavailable(req.error));
    req.onblocked = () => log.warn("the history database is open in another tab with an older version; waiting for it to close");
  });
}

/**
 * Opens (creating or upgrading) the history database and returns its operations. Use the
 * module-level functions in the page; call this directly to pass another `IDBFactory` (tests,
 * fake-indexeddb) or clock. Rejects with `history-unavailable` where IndexedDB cannot be used.
 */
export async function openTranscriptHistory(environment: HistoryEnvironment = {}): Promise<TranscriptHistory> {
  const factory = "indexedDB" in environment ? environment.indexedDB : globalThis.indexedDB;
  const now = environment.now ?? Date.now;
  if (factory === undefined || factory === null) throw unavailable(undefined);
  const db = await openDatabase(factory);
  let closed = false;
  db.onversionchange = () => {
    log.info("the history database is being upgraded in another tab; closing this connection");
    closed = true;
    db.close();
  };
  db.onclose = () => {
    log.warn("the browser closed the history database (site data cleared?)");
    closed = true;
  };

  const run = async <T>(action: string, mode: IDBTransactionMode, body: (store: IDBObjectStore) => Promise<T>): Promise<T> => {
    try {
      const tx = db.transaction(HISTORY_STORE, mode);
      const done = completion(tx);
      const result = body(tx.objectStore(HISTORY_STORE));
      // Both must settle; a request error also aborts the transaction.
      const [value] = await Promise.all([result, done]);
      return value;
    } catch (cause) {
      throw failure(cause, action);
    }
  };

  const index = new SearchIndex();
  let stopWarming = (): void => {};

  const read = async (): Promise<TranscriptRecord[]> => {
    const all = await run("read", "readonly", (store) => request(store.getAll()));
    const valid = all.filter(isTranscriptRecord);
    if (valid.length < all.length) log.warn(`skipped ${all.length - valid.length} malformed transcript record(s)`);
    return sortNewestFirst(valid);
  };

  const list = async (): Promise<TranscriptRecord[]> => {
    const records = await read();
    // Whoever lists the history is likely to search it next.
    stopWarming();
    stopWarming = index.warm(records);
    return records;
  };

  return {
    list,
    search: async (query) => index.search(await read(), query),
    get: async (id) => {
      const value = await run("read", "readonly", (store) => request(store.get(id)));
      return isTranscriptRecord(value) ? value : null;
    },
    save: async (record) => {
      if (!isTranscriptRecord(record)) throw new TranscriptHistoryError("history-invalid", "This transcript cannot be saved: the record is malformed.");
      const plain = toPlainRecord(record);
      await run("save to", "readwrite", (store) => request(store.put(plain)));
      return plain;
    },
    saveMany: async (records) => {
      if (!records.every(isTranscriptRecord)) throw new TranscriptHistoryError("history-invalid", "These transcripts cannot be saved: a record is malformed.");
      const plain = records.map(toPlainRecord);
      await run("save to", "readwrite", async (store) => {
        await Promise.all(plain.map((record) => request(store.put(record))));
      });
    },
    rename: async (id, title) => {
      const clean = normalizeTitle(title);
      if (clean === null) throw new TranscriptHistoryError("history-invalid", "A title cannot be empty.");
      return run("rename in", "readwrite", (store) =>
        request(store.get(id)).then(async (value) => {
          if (!isTranscriptRecord(value)) throw new TranscriptHistoryError("history-not-found", "That transcript is no longer in the history.", { context: { id } });
          const renamed: TranscriptRecord = { ...toPlainRecord(value), title: clean, updatedAt: Math.max(now(), value.createdAt) };
          await request(store.put(renamed));
          return renamed;
        }),
      );
    },
    delete: async (id) => {
      await run("delete from", "readwrite", (store) => request(store.delete(id)));
    },
    clear: async () => {
      await run("clear", "readwrite", (store) => request(store.clear()));
    },
    close: () => {
      stopWarming();
      closed = true;
      db.close();
    },
    isClosed: () => closed,
  };
}

/**
 * The history's IndexedDB store (database `whisper-history`, ./idb-database): object store
 * `transcripts`, one record per transcript keyed by `id`, and the audio kept with some of them in
 * stores of their own (./kept-audio-store). Where IndexedDB cannot be used (some private windows,
 * sandboxed frames, storage blocked by policy) every call fails with the code `history-unavailable`,
 * so the UI can say "history is off in this browser" once and keep transcribing.
 */
import { createLogger } from "../logger";
import { TranscriptHistoryError } from "./history-error";
import { ALL_STORES, HISTORY_STORE, openHistoryDatabase, request, transactionRunner, unavailable } from "./idb-database";
import { keptAudioStore, type KeptAudioStore } from "./kept-audio-store";
import { isTranscriptRecord, normalizeTitle, sortNewestFirst, toPlainRecord, type TranscriptRecord } from "./record";
import { SearchIndex } from "./search-index";

const log = createLogger("transcript-history");

export { HISTORY_DB_NAME, HISTORY_DB_VERSION, HISTORY_STORE } from "./idb-database";

/** The operations on the history; {@link openTranscriptHistory} gives one over a database connection. */
export interface TranscriptHistory {
  /** Every transcript, newest first. Records that fail {@link isTranscriptRecord} are skipped (and logged). Never reads kept audio. */
  list(): Promise<TranscriptRecord[]>;
  /** The transcripts matching `query` ({@link matchesQuery}), newest first; all of them for an empty query. Never reads kept audio. */
  search(query: string): Promise<TranscriptRecord[]>;
  /** One transcript, or null when there is none with that id. */
  get(id: string): Promise<TranscriptRecord | null>;
  /** Stores a record, replacing one with the same id (its kept audio stays). Fails with `history-invalid` or `history-quota`. */
  save(record: TranscriptRecord): Promise<TranscriptRecord>;
  /** Stores many records in one transaction (an import): all of them or, on any failure, none. Fails like {@link TranscriptHistory.save}. */
  saveMany(records: readonly TranscriptRecord[]): Promise<void>;
  /** Changes a title (and `updatedAt`); fails with `history-not-found` or `history-invalid` (empty title). */
  rename(id: string, title: string): Promise<TranscriptRecord>;
  /** Deletes one transcript and the audio kept with it, in one transaction; deleting one that is not there is not an error. */
  delete(id: string): Promise<void>;
  /** Deletes every transcript and all kept audio. */
  clear(): Promise<void>;
  /** The audio kept with transcripts, stored apart from them ({@link KeptAudioStore}). */
  readonly audio: KeptAudioStore;
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

/**
 * Opens (creating or upgrading) the history database and returns its operations. Use the
 * module-level functions in the page; call this directly to pass another `IDBFactory` (tests,
 * fake-indexeddb) or clock. Rejects with `history-unavailable` where IndexedDB cannot be used.
 */
export async function openTranscriptHistory(environment: HistoryEnvironment = {}): Promise<TranscriptHistory> {
  const factory = "indexedDB" in environment ? environment.indexedDB : globalThis.indexedDB;
  const now = environment.now ?? Date.now;
  if (factory === undefined || factory === null) throw unavailable(undefined);
  const db = await openHistoryDatabase(factory);
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

  const transaction = transactionRunner(db);
  const run = <T>(action: string, mode: IDBTransactionMode, body: (store: IDBObjectStore) => Promise<T>): Promise<T> =>
    transaction(action, mode, [HISTORY_STORE], (tx) => body(tx.objectStore(HISTORY_STORE)));

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
      await transaction("delete from", "readwrite", ALL_STORES, async (tx) => {
        await Promise.all(ALL_STORES.map((name) => request(tx.objectStore(name).delete(id))));
      });
    },
    clear: async () => {
      await transaction("clear", "readwrite", ALL_STORES, async (tx) => {
        await Promise.all(ALL_STORES.map((name) => request(tx.objectStore(name).clear())));
      });
    },
    audio: keptAudioStore(transaction, now),
    close: () => {
      stopWarming();
      closed = true;
      db.close();
    },
    isClosed: () => closed,
  };
}

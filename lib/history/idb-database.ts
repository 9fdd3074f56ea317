/**
 * The history's IndexedDB database (`whisper-history`): its stores, opening and upgrading it, and
 * running one transaction with IndexedDB's failures turned into {@link TranscriptHistoryError}s.
 * The transcript operations (./idb-store) and the kept audio (./kept-audio-store) share it.
 */
import { createLogger } from "../logger";
import { TranscriptHistoryError } from "./history-error";

const log = createLogger("transcript-history");

/** The IndexedDB database name. */
export const HISTORY_DB_NAME = "whisper-history";
/** The object store holding {@link TranscriptRecord}s, keyed by `id`. */
export const HISTORY_STORE = "transcripts";
/** The object store holding kept audio (`{ id, blob }`, keyed by the transcript's id); read one at a time, never listed. */
export const AUDIO_STORE = "audio";
/** The object store holding what is known about each kept audio without its bytes ({@link KeptAudioInfo}), keyed by the transcript's id. */
export const AUDIO_INFO_STORE = "audio-info";
/**
 * Schema version of the database: version 1 has the transcripts store and its `createdAt` index;
 * version 2 adds the kept-audio stores (the transcripts are left as they are).
 */
export const HISTORY_DB_VERSION = 2;

/** Every store, for transactions that touch a transcript and its audio together (delete, clear). */
export const ALL_STORES: readonly string[] = [HISTORY_STORE, AUDIO_STORE, AUDIO_INFO_STORE];

function domErrorName(error: unknown): string {
  return typeof error === "object" && error !== null && "name" in error && typeof error.name === "string" ? error.name : "";
}

/** True when `error` is the browser refusing to store more (a `QuotaExceededError`). */
export function isQuotaError(error: unknown): boolean {
  return domErrorName(error) === "QuotaExceededError";
}

/** The error every call gives where IndexedDB cannot be used. */
export function unavailable(cause: unknown): TranscriptHistoryError {
  return new TranscriptHistoryError("history-unavailable", "Transcript history is not available in this browser (private browsing or blocked storage); transcripts will not be kept.", { cause });
}

function failure(cause: unknown, action: string): TranscriptHistoryError {
  if (cause instanceof TranscriptHistoryError) return cause;
  if (isQuotaError(cause)) {
    return new TranscriptHistoryError("history-quota", "There is no room left on this device to keep the transcript. Delete old transcripts or models and try again.", { cause });
  }
  if (domErrorName(cause) === "InvalidStateError" || domErrorName(cause) === "UnknownError") return unavailable(cause);
  return new TranscriptHistoryError("history-failed", `Could not ${action} the transcript history.`, { cause, context: { action } });
}

/** One IndexedDB request as a promise. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
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

/**
 * Runs `body` in one transaction over `stores` and settles once the transaction has committed.
 * Failures (a request's, the commit's, or a quota refusal) reject with a TranscriptHistoryError;
 * `action` names what was being done ("save to", "delete from") for the message.
 */
export type TransactionRunner = <T>(action: string, mode: IDBTransactionMode, stores: readonly string[], body: (tx: IDBTransaction) => Promise<T>) => Promise<T>;

/** A {@link TransactionRunner} over an open database. */
export function transactionRunner(db: IDBDatabase): TransactionRunner {
  return async (action, mode, stores, body) => {
    try {
      const tx = db.transaction([...stores], mode);
      const done = completion(tx);
      const result = body(tx);
      // Both must settle; a request error also aborts the transaction.
      const [value] = await Promise.all([result, done]);
      return value;
    } catch (cause) {
      throw failure(cause, action);
    }
  };
}

/** Opens (creating or upgrading) the history database; rejects with `history-unavailable` where IndexedDB refuses. */
export function openHistoryDatabase(factory: IDBFactory): Promise<IDBDatabase> {
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
      if (event.oldVersion < 2) {
        db.createObjectStore(AUDIO_STORE, { keyPath: "id" });
        db.createObjectStore(AUDIO_INFO_STORE, { keyPath: "id" });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(unavailable(req.error));
    req.onblocked = () => log.warn("the history database is open in another tab with an older version; waiting for it to close");
  });
}

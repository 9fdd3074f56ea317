/**
 * The kept audio's operations over the history database (./idb-database): the bytes in the `audio`
 * store, what is known about them in `audio-info`. Listing reads only `audio-info`, so the size of
 * the kept audio never slows the history down. Deleting a transcript deletes its audio in the same
 * transaction (./idb-store).
 */
import { TranscriptHistoryError } from "./history-error";
import { AUDIO_INFO_STORE, AUDIO_STORE, HISTORY_STORE, request, type TransactionRunner } from "./idb-database";
import { audioQuotaMessage, describeKeptAudio, isKeptAudioInfo, type KeptAudioBlob, type KeptAudioInfo } from "./kept-audio";
import { isRecord } from "../guards";

/** The kept audio of the history's transcripts; {@link TranscriptHistory.audio} gives one. */
export interface KeptAudioStore {
  /**
   * Keeps `blob` as the audio of transcript `id` (replacing any kept before) and returns its info.
   * The transcript must be in the history (`history-not-found` otherwise: no audio without its
   * text). A browser out of room fails with `history-quota`, whose message says the transcript is
   * kept; an empty blob fails with `history-invalid`.
   */
  keep(id: string, blob: Blob): Promise<KeptAudioInfo>;
  /** The audio kept with transcript `id`, or null when none is. Reads one record's bytes. */
  get(id: string): Promise<Blob | null>;
  /** What is known about the audio kept with `id`, without reading it; null when none is. */
  info(id: string): Promise<KeptAudioInfo | null>;
  /** Every kept audio's info (no bytes read), in no particular order. */
  list(): Promise<KeptAudioInfo[]>;
  /** Deletes the audio kept with `id`, keeping the transcript; removing none is not an error. */
  remove(id: string): Promise<void>;
}

function isKeptAudioBlob(value: unknown): value is KeptAudioBlob {
  return isRecord(value) && typeof value.id === "string" && value.blob instanceof Blob;
}

/** The {@link KeptAudioStore} over a database's transactions; `now` stamps `savedAt`. */
export function keptAudioStore(run: TransactionRunner, now: () => number): KeptAudioStore {
  return {
    keep: async (id, blob) => {
      if (blob.size === 0) throw new TranscriptHistoryError("history-invalid", "There is no audio to keep: the recording is empty.", { context: { id } });
      const info = describeKeptAudio(id, blob, now());
      try {
        await run("keep audio in", "readwrite", [HISTORY_STORE, AUDIO_STORE, AUDIO_INFO_STORE], async (tx) => {
          const transcript: unknown = await request(tx.objectStore(HISTORY_STORE).get(id));
          if (transcript === undefined) {
            throw new TranscriptHistoryError("history-not-found", "That transcript is no longer in the history, so its audio cannot be kept.", { context: { id } });
          }
          const stored: KeptAudioBlob = { id, blob };
          await Promise.all([request(tx.objectStore(AUDIO_STORE).put(stored)), request(tx.objectStore(AUDIO_INFO_STORE).put(info))]);
        });
      } catch (cause) {
        if (cause instanceof TranscriptHistoryError && cause.code === "history-quota") {
          throw new TranscriptHistoryError("history-quota", audioQuotaMessage(blob.size), { cause, context: { id, bytes: blob.size } });
        }
        throw cause;
      }
      return info;
    },
    get: async (id) => {
      const value = await run("read audio from", "readonly", [AUDIO_STORE], (tx) => request<unknown>(tx.objectStore(AUDIO_STORE).get(id)));
      return isKeptAudioBlob(value) ? value.blob : null;
    },
    info: async (id) => {
      const value = await run("read audio from", "readonly", [AUDIO_INFO_STORE], (tx) => request<unknown>(tx.objectStore(AUDIO_INFO_STORE).get(id)));
      return isKeptAudioInfo(value) ? value : null;
    },
    list: async () => {
      const all = await run("read audio from", "readonly", [AUDIO_INFO_STORE], (tx) => request<unknown[]>(tx.objectStore(AUDIO_INFO_STORE).getAll()));
      return all.filter(isKeptAudioInfo);
    },
    remove: async (id) => {
      await run("remove audio from", "readwrite", [AUDIO_STORE, AUDIO_INFO_STORE], async (tx) => {
        await Promise.all([request(tx.objectStore(AUDIO_STORE).delete(id)), request(tx.objectStore(AUDIO_INFO_STORE).delete(id))]);
      });
    },
  };
}

/**
 * Audio the user chose to keep with a transcript, so a history item can be played beside its text
 * later. The bytes live in their own IndexedDB store (./kept-audio-store), apart from the transcript
 * records, so listing and searching the history never reads them; this module holds what is known
 * about them without the bytes, and the sums the page shows. Pure, so it runs in Node.
 */
import { isRecord } from "../guards";
import { formatStorageBytes } from "../offline/storage-quota";

/** One transcript's kept audio, without its bytes. */
export interface KeptAudioInfo {
  /** The transcript's id. */
  readonly id: string;
  /** Size of the audio in bytes. */
  readonly bytes: number;
  /** Its MIME type ("audio/ogg", "audio/wav"…), or "" when the browser did not say. */
  readonly type: string;
  /** When it was kept (ms since the epoch). */
  readonly savedAt: number;
}

/** Is `value` a well-formed {@link KeptAudioInfo}? Use it on whatever IndexedDB returns. */
export function isKeptAudioInfo(value: unknown): value is KeptAudioInfo {
  if (!isRecord(value)) return false;
  const { id, bytes, type, savedAt } = value;
  return typeof id === "string" && id.length > 0 && typeof bytes === "number" && Number.isFinite(bytes) && bytes >= 0 && typeof type === "string" && typeof savedAt === "number" && Number.isFinite(savedAt);
}

/** The record the audio store holds for one transcript: the bytes as a Blob, keyed by the transcript's id. */
export interface KeptAudioBlob {
  readonly id: string;
  readonly blob: Blob;
}

/** The info for `blob` kept with transcript `id` at `now`. */
export function describeKeptAudio(id: string, blob: Blob, now: number): KeptAudioInfo {
  return { id, bytes: blob.size, type: blob.type, savedAt: now };
}

/** How much audio is kept, over all transcripts. */
export interface KeptAudioUsage {
  readonly count: number;
  readonly bytes: number;
}

/** Sums {@link KeptAudioInfo}s. */
export function keptAudioUsage(infos: readonly KeptAudioInfo[]): KeptAudioUsage {
  return { count: infos.length, bytes: infos.reduce((sum, info) => sum + info.bytes, 0) };
}

/** "No audio is kept with transcripts." / "Audio of 2 transcripts is kept on this device: 4.2 MB.": the line the history and storage panels show. */
export function describeKeptAudioUsage(usage: KeptAudioUsage): string {
  if (usage.count === 0) return "No audio is kept with transcripts.";
  return `Audio of ${usage.count} ${usage.count === 1 ? "transcript is" : "transcripts is"} kept on this device: ${formatStorageBytes(usage.bytes)}.`;
}

/** What the user is told when the browser refuses to store a transcript's audio (quota); the transcript itself is kept. */
export function audioQuotaMessage(bytes: number): string {
  return `The transcript is kept, but its audio (${formatStorageBytes(bytes)}) is not: there is no room left on this device. Remove the audio kept with other transcripts, or stored models under “Offline use and storage”, and try again.`;
}

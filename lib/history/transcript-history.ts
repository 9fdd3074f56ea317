/**
 * The user's past transcripts, kept on this device (./idb-store) over one connection shared by the
 * page. Nothing here leaves the device. The functions throw TranscriptHistoryError (./history-error); each
 * write is announced to every tab (./broadcast).
 */
import { announce } from "./broadcast";
import { openTranscriptHistory, type TranscriptHistory } from "./idb-store";
import type { TranscriptRecord } from "./record";
import type { KeptAudioInfo } from "./kept-audio";
import { parseHistoryFile, toHistoryFile } from "./history-file";
import { describeImport, planMerge } from "./history-merge";

let shared: Promise<TranscriptHistory> | null = null;

function openShared(): Promise<TranscriptHistory> {
  const opening = openTranscriptHistory();
  // A failed open is not kept: storage may be allowed later (the user leaves private mode, frees space).
  opening.catch(() => {
    if (shared === opening) shared = null;
  });
  return opening;
}

async function history(): Promise<TranscriptHistory> {
  const existing = shared;
  if (existing !== null) {
    const current = await existing.catch(() => null);
    if (current !== null && !current.isClosed()) return current;
    // Closed by another tab's upgrade or a cleared site (or failed to open): open again.
    if (shared === existing) shared = null;
  }
  shared ??= openShared();
  return shared;
}

/** Every saved transcript, newest first. */
export async function listTranscripts(): Promise<TranscriptRecord[]> {
  return (await history()).list();
}

/** Saved transcripts whose title or text contains every word of `query`, ignoring case and accents; newest first. */
export async function searchTranscripts(query: string): Promise<TranscriptRecord[]> {
  return (await history()).search(query);
}

/** Saves (or replaces) a transcript; build new ones with {@link createTranscriptRecord}. */
export async function saveTranscript(record: TranscriptRecord): Promise<TranscriptRecord> {
  const saved = await (await history()).save(record);
  announce({ type: "saved", id: saved.id });
  return saved;
}

/** Renames a saved transcript and returns it as stored. */
export async function renameTranscript(id: string, title: string): Promise<TranscriptRecord> {
  const renamed = await (await history()).rename(id, title);
  announce({ type: "renamed", id });
  return renamed;
}

/** Deletes a saved transcript and the audio kept with it (a missing one is not an error). */
export async function deleteTranscript(id: string): Promise<void> {
  await (await history()).delete(id);
  announce({ type: "deleted", id });
}

/** Deletes every saved transcript on this device, and all kept audio. */
export async function clearTranscripts(): Promise<void> {
  await (await history()).clear();
  announce({ type: "cleared" });
}

/**
 * Keeps `audio` with the saved transcript `id` so it can be played beside the text later; replaces
 * audio kept before. Throws TranscriptHistoryError: `history-quota` (the transcript is kept, the
 * message says so), `history-not-found` when the transcript is not saved.
 */
export async function keepAudio(id: string, audio: Blob): Promise<KeptAudioInfo> {
  const info = await (await history()).audio.keep(id, audio);
  announce({ type: "audio-kept", id });
  return info;
}

/** The audio kept with transcript `id`, or null when the user kept none. */
export async function keptAudio(id: string): Promise<Blob | null> {
  return (await history()).audio.get(id);
}

/** What is known about the audio kept with `id` (size, type) without reading it; null when none is. */
export async function keptAudioInfo(id: string): Promise<KeptAudioInfo | null> {
  return (await history()).audio.info(id);
}

/** Every kept audio's size and type (the bytes are not read): for the storage line and the list's marks. */
export async function listKeptAudio(): Promise<KeptAudioInfo[]> {
  return (await history()).audio.list();
}

/** Deletes the audio kept with transcript `id`; the transcript stays. */
export async function removeKeptAudio(id: string): Promise<void> {
  await (await history()).audio.remove(id);
  announce({ type: "audio-removed", id });
}

/** The whole history as one file's text ({@link toHistoryFile}), for moving to another device: text and timings only, kept audio stays here. */
export async function exportHistory(): Promise<string> {
  return toHistoryFile(await (await history()).list());
}

/**
 * Imports a history file ({@link parseHistoryFile}) merged without duplicates ({@link planMerge}) in
 * one transaction, and returns the sentence to show. Throws TranscriptHistoryError: `history-file-invalid`
 * with the reason for a file it cannot read, or a storage code.
 */
export async function importHistory(text: string): Promise<string> {
  const parsed = parseHistoryFile(text);
  const store = await history();
  const plan = planMerge(await store.list(), parsed.records);
  if (plan.toSave.length > 0) {
    await store.saveMany(plan.toSave);
    announce({ type: "imported", count: plan.toSave.length });
  }
  return describeImport(plan, parsed.skipped);
}

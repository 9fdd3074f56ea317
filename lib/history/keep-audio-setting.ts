/**
 * The user's choice to keep the audio of new transcripts with them in the history. Off unless the
 * user turns it on: audio is large, and it is the most private part of a transcript. Kept in
 * localStorage (./storage) as "1" / "0".
 */
import type { KeyValueStorage } from "../storage";

/** The localStorage key holding the choice. */
export const KEEP_AUDIO_KEY = "whisper:keep-audio:v1";

/** True when the user asked to keep the audio of new transcripts; false by default and when storage fails. */
export function loadKeepAudio(storage: KeyValueStorage): boolean {
  try {
    return storage.getItem(KEEP_AUDIO_KEY) === "1";
  } catch {
    return false;
  }
}

/** Saves the choice; returns false when storage refused (the choice then lasts for this page only). */
export function saveKeepAudio(storage: KeyValueStorage, keep: boolean): boolean {
  try {
    storage.setItem(KEEP_AUDIO_KEY, keep ? "1" : "0");
    return true;
  } catch {
    return false;
  }
}

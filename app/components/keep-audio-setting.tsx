"use client";

import { useState, useSyncExternalStore } from "react";
import { KEEP_AUDIO_KEY, loadKeepAudio, saveKeepAudio } from "@/lib/history/keep-audio-setting";
import { browserStorage } from "@/lib/storage";

const listeners = new Set<() => void>();
// What the page chose when storage refused it: the choice lasts for this page only.
let unsavedChoice: boolean | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab changing the choice.
  const onStorage = (event: StorageEvent): void => {
    if (event.key === KEEP_AUDIO_KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

function choose(keep: boolean): boolean {
  const saved = saveKeepAudio(browserStorage(), keep);
  unsavedChoice = saved ? null : keep;
  for (const listener of [...listeners]) listener();
  return saved;
}

/** True when the user asked to keep the audio of new transcripts (read where a run finishes). */
export function keepAudioChosen(): boolean {
  return unsavedChoice ?? loadKeepAudio(browserStorage());
}

/**
 * The opt-in to keep the audio of new transcripts in the history, so they can be played beside
 * their text later. Off by default: audio is large and private.
 */
export function KeepAudioSetting() {
  // Off in the server's HTML (it has no localStorage); the browser's choice once hydrated.
  const keep = useSyncExternalStore(subscribe, keepAudioChosen, () => false);
  const [unsaved, setUnsaved] = useState(false);
  return (
    <div className="keep-audio-setting">
      <label className="toggle">
        <input
          type="checkbox"
          checked={keep}
          data-testid="keep-audio-setting"
          onChange={(event) => {
            setUnsaved(!choose(event.target.checked));
          }}
        />{" "}
        Keep audio with new transcripts
      </label>
      <p className="hint">
        So they can be played beside their text later. Audio takes far more room than text and stays on this device only; it is not part of “Export all”.
        {unsaved && " This browser cannot remember the choice: it lasts until the page is closed."}
      </p>
    </div>
  );
}

"use client";

import { formatStorageBytes } from "@/lib/offline/storage-quota";
import type { KeptAudio } from "../hooks/use-kept-audio";

/**
 * Whether the audio is kept with this transcript in the history, and the per-transcript action:
 * "Keep audio in history" while the audio just transcribed is at hand, "Remove audio" once kept.
 * A failure to keep it (no room) is said here; the transcript itself is kept either way.
 */
export function KeptAudioControl({ kept, audioAtHand, error }: { readonly kept: KeptAudio; readonly audioAtHand: Blob | null; readonly error: string | null }) {
  const { info, busy } = kept;
  return (
    <div className="kept-audio" data-testid="kept-audio">
      {info !== undefined && info !== null && (
        <p className="hint">
          <span data-testid="kept-audio-status">Audio kept with this transcript on this device ({formatStorageBytes(info.bytes)}).</span>{" "}
          <button type="button" className="button small" onClick={kept.remove} disabled={busy} data-testid="remove-audio">
            Remove audio
          </button>
        </p>
      )}
      {info === null && audioAtHand !== null && (
        <p className="hint">
          <button type="button" className="button small" onClick={() => kept.keep(audioAtHand)} disabled={busy} data-testid="keep-audio">
            Keep audio in history ({formatStorageBytes(audioAtHand.size)})
          </button>{" "}
          to play it beside the text later. It stays on this device only.
        </p>
      )}
      {info === null && audioAtHand === null && (
        <p className="hint" data-testid="kept-audio-status">
          No audio was kept with this transcript, so there is no player. To keep the audio of new transcripts, turn on “Keep audio” in the history.
        </p>
      )}
      {error !== null && (
        <p className="status error" role="alert" data-testid="keep-audio-error">
          {error}
        </p>
      )}
    </div>
  );
}

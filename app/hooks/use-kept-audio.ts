"use client";

import { useCallback, useEffect, useState } from "react";
import { createLogger } from "@/lib/logger";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { keepAudio, keptAudio, keptAudioInfo, removeKeptAudio } from "@/lib/history/transcript-history";
import { onHistoryChanged, type HistoryChange } from "@/lib/history/broadcast";
import type { KeptAudioInfo } from "@/lib/history/kept-audio";

const log = createLogger("kept-audio");

function concerns(change: HistoryChange, id: string): boolean {
  switch (change.type) {
    case "audio-kept":
    case "audio-removed":
    case "deleted":
      return change.id === id;
    case "cleared":
      return true;
    case "saved":
    case "renamed":
    case "imported":
      return false;
  }
}

// Unchanged info keeps its object, so the bytes are not read again.
function sameInfo(a: KeptAudioInfo | null | undefined, b: KeptAudioInfo | null): boolean {
  if (a === undefined) return false;
  if (a === null || b === null) return a === b;
  return a.savedAt === b.savedAt && a.bytes === b.bytes;
}

/**
 * The audio kept in the history with transcript `id`: what is known about it (undefined while it
 * is read, null when none is kept), its bytes when `load` is true (a history item's player), and
 * keeping or removing it. Follows changes made in other tabs and elsewhere on the page.
 */
export function useKeptAudio(id: string, load: boolean) {
  const [info, setInfo] = useState<KeptAudioInfo | null | undefined>(undefined);
  const [blob, setBlob] = useState<Blob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const read = (): void => {
      keptAudioInfo(id).then(
        (next) => {
          if (live) setInfo((previous) => (sameInfo(previous, next) ? previous : next));
        },
        (failure: unknown) => {
          log.warn("could not read whether audio is kept", failure);
          if (live) setInfo(null);
        },
      );
    };
    read();
    const off = onHistoryChanged((change) => {
      if (concerns(change, id)) read();
    });
    return () => {
      live = false;
      off();
    };
  }, [id]);

  // The bytes are read again only when other audio was kept (a new `savedAt`), so playback is not reset by unrelated changes.
  const savedAt = info?.savedAt;
  useEffect(() => {
    if (!load || savedAt === undefined) return;
    let live = true;
    keptAudio(id).then(
      (found) => {
        if (live) setBlob(found);
      },
      (failure: unknown) => {
        log.warn("could not read the kept audio", failure);
        if (live) setError(ownMessageOr(failure, "The audio kept with this transcript could not be read."));
      },
    );
    return () => {
      live = false;
    };
  }, [id, load, savedAt]);

  // Keeping and removing: busy while the write runs, its own message (or `fallback`) when it fails.
  const act = useCallback((work: () => Promise<unknown>, what: string, fallback: string) => {
    setBusy(true);
    work()
      .then(
        () => setError(null),
        (failure: unknown) => {
          log.warn(`could not ${what}`, failure);
          setError(ownMessageOr(failure, fallback));
        },
      )
      .finally(() => setBusy(false));
  }, []);
  const keep = useCallback((audio: Blob) => act(() => keepAudio(id, audio), "keep the audio", "The audio could not be kept on this device; the transcript is kept."), [act, id]);
  const remove = useCallback(() => act(() => removeKeptAudio(id), "remove the kept audio", "The kept audio could not be removed. Reload the page and try again."), [act, id]);

  return { info, blob: info === null || info === undefined ? null : blob, error, busy, keep, remove };
}

/** What {@link useKeptAudio} gives. */
export type KeptAudio = ReturnType<typeof useKeptAudio>;

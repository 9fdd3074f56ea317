"use client";

import { useEffect, useState } from "react";
import { createLogger } from "@/lib/logger";
import { listKeptAudio } from "@/lib/history/transcript-history";
import { onHistoryChanged } from "@/lib/history/broadcast";
import type { KeptAudioInfo } from "@/lib/history/kept-audio";

const log = createLogger("kept-audio");

/**
 * Every kept audio's size and type (never its bytes), kept current as the history changes in this
 * tab or another: for the history list's marks and the storage used by kept audio. Null until read,
 * and where the history cannot be used.
 */
export function useKeptAudioList(): readonly KeptAudioInfo[] | null {
  const [infos, setInfos] = useState<readonly KeptAudioInfo[] | null>(null);
  useEffect(() => {
    let live = true;
    const read = (): void => {
      listKeptAudio().then(
        (found) => {
          if (live) setInfos(found);
        },
        (failure: unknown) => {
          log.warn("could not list the kept audio", failure);
          if (live) setInfos(null);
        },
      );
    };
    read();
    const off = onHistoryChanged((change) => {
      if (change.type !== "renamed") read();
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  return infos;
}

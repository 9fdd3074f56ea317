"use client";

import { useEffect, useRef, useState } from "react";
import { browserCaches } from "@/lib/cache-storage";
import { describeError } from "@/lib/errors";
import { createLogger } from "@/lib/logger";
import { SHARE_QUERY_PARAM, parseShareParam, takeSharedFile, type ShareOutcome } from "@/lib/offline/share-target";

const log = createLogger("share");

const GONE = "The shared file is no longer stored; share it again or choose it with “Choose a file”.";

function noticeFor(outcome: Exclude<ShareOutcome, { kind: "file" }>): string {
  switch (outcome.kind) {
    case "empty":
      return "Nothing to transcribe was shared: share an audio or video file with the app.";
    case "failed":
      return "The shared file could not be received. Share it again, or choose it with “Choose a file”.";
    case "unsupported":
      return "This browser could not hand the shared file to the app (offline support is not running here). Choose the file with “Choose a file” instead.";
  }
}

/** Takes the shared file out of its cache, or says why there is none. */
async function receive(outcome: ShareOutcome): Promise<File | string> {
  if (outcome.kind !== "file") return noticeFor(outcome);
  const storage = browserCaches();
  if (storage === null) return noticeFor({ kind: "failed" });
  try {
    return (await takeSharedFile(outcome.id, storage, window.location.origin)) ?? GONE;
  } catch (error) {
    log.warn("could not read the shared file", describeError(error));
    return noticeFor({ kind: "failed" });
  }
}

/**
 * Picks up a file shared with the installed app (the manifest's share target): on load, when the
 * URL says `?share=<id>`, takes the file the service worker stored and hands it to `onFile`. The
 * parameter is removed at once, so a reload does not repeat it. Returns a notice for the user when
 * a share arrived without a usable file, else null.
 */
export function useSharedFile(onFile: (file: File) => void): string | null {
  const [notice, setNotice] = useState<string | null>(null);
  const onFileRef = useRef(onFile);
  useEffect(() => {
    onFileRef.current = onFile;
  });

  useEffect(() => {
    const outcome = parseShareParam(window.location.search);
    if (outcome === null) return;
    const url = new URL(window.location.href);
    url.searchParams.delete(SHARE_QUERY_PARAM);
    window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
    void receive(outcome).then((received) => {
      if (typeof received === "string") setNotice(received);
      else onFileRef.current(received);
    });
  }, []);

  return notice;
}

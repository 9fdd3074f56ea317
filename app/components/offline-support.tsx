"use client";

import type { Attempt } from "@/lib/model/catalog";
import { useServiceWorker, type OfflineState } from "../hooks/use-service-worker";
import { useSharedFile } from "../hooks/use-shared-file";
import { StoragePanel } from "./storage-panel";
import type { ModelSource } from "@/lib/model/catalog";

function offlineText(state: OfflineState): string {
  switch (state.kind) {
    case "checking":
      return "Checking offline support…";
    case "development":
      return "Offline use is off in development builds.";
    case "unavailable":
      return "Offline use is unavailable in this browser (it runs no service worker here, as in Telegram’s in-app browser or a private window). Transcription works while you are online.";
    case "installing":
      return "Preparing offline use…";
    case "ready":
    case "update-available":
    case "updating":
      return "Works offline: the app is stored on this device. Models are stored when first used.";
  }
}

/**
 * Everything offline-first around the transcription screen: the service worker's status and its
 * "update available — reload" prompt, files shared with the installed app (handed to
 * `onSharedFile`), and the storage panel. Mount it once per page.
 */
export function OfflineSupport({
  attempt,
  source,
  onSharedFile,
}: {
  /** The model the app plans to run first (what "make available offline" downloads); null while the device is probed. */
  readonly attempt: Attempt | null;
  readonly source: ModelSource;
  readonly onSharedFile: (file: File) => void;
}) {
  const { state, applyUpdate } = useServiceWorker();
  const shareNotice = useSharedFile(onSharedFile);

  return (
    <section className="offline-support" aria-label="Offline use">
      {(state.kind === "update-available" || state.kind === "updating") && (
        <div className="update-banner" role="alert" data-testid="update-banner">
          <span>Update available — reload to use the new version.</span>
          <button type="button" className="button primary" onClick={applyUpdate} disabled={state.kind === "updating"}>
            {state.kind === "updating" ? "Reloading…" : "Reload"}
          </button>
        </div>
      )}
      {shareNotice !== null && (
        <p className="status" role="status" data-testid="share-notice">
          {shareNotice}
        </p>
      )}
      <p className="muted" data-testid="offline-status" data-state={state.kind}>
        {offlineText(state)}
      </p>
      <StoragePanel attempt={attempt} source={source} />
    </section>
  );
}

"use client";

import { MODELS, describeAttempt, type Attempt } from "@/lib/model/catalog";
import type { CachedModel } from "@/lib/model/cache";
import { formatStorageBytes, type StorageStatus } from "@/lib/offline/storage-quota";
import { useModelStorage, type DownloadState } from "../hooks/use-model-storage";
import { useKeptAudioList } from "../hooks/use-kept-audio-list";
import { describeKeptAudioUsage, keptAudioUsage } from "@/lib/history/kept-audio";
import type { ModelSource } from "@/lib/model/catalog";

function originText(model: CachedModel): string {
  switch (model.origin) {
    case "hub":
      return "from Hugging Face";
    case "self-hosted":
      return "from this server";
    case "other":
      return new URL(model.folder).host;
  }
}

function usageText(status: StorageStatus | null): string {
  if (status === null) return "Reading storage use…";
  if (status.usage === null) return "This browser does not say how much it stores.";
  const used = `This app stores ${formatStorageBytes(status.usage)} on this device`;
  return status.quota === null ? `${used}.` : `${used} (the browser allows up to ${formatStorageBytes(status.quota)}).`;
}

function downloadText(download: DownloadState, label: string): string {
  switch (download.kind) {
    case "idle":
      return `Downloads the model the app plans to use (${label}) now, so the first transcription works without a network.`;
    case "running":
      return download.progress === null
        ? "Starting the download…"
        : `Downloading ${download.progress.file} (file ${Math.min(download.progress.index + 1, download.progress.files)} of ${download.progress.files})…`;
    case "done":
      return download.summary.downloaded === 0
        ? `${label} was already stored: it works offline.`
        : `${label} is stored (${formatStorageBytes(download.summary.bytes)} downloaded): it works offline.`;
    case "error":
      return `Could not make the model available offline: ${download.message}`;
  }
}

/**
 * "Offline use and storage": the models stored on this device with their sizes (delete any),
 * storage used and allowed, the room taken by audio kept with transcripts, a request to keep
 * storage persistent, and "make available offline" for the planned model with a progress bar.
 */
export function StoragePanel({ attempt, source }: { readonly attempt: Attempt | null; readonly source: ModelSource }) {
  const storage = useModelStorage(attempt, source);
  const keptAudio = useKeptAudioList();
  const { models, status, download } = storage;
  const running = download.kind === "running";
  const label = attempt === null ? "the planned model" : describeAttempt(attempt);

  return (
    <details
      className="storage-panel"
      data-testid="storage-panel"
      onToggle={(event) => {
        if (event.currentTarget.open) storage.refresh();
      }}
    >
      <summary>Offline use and storage</summary>

      <p data-testid="storage-usage" className="muted">
        {usageText(status)}
      </p>
      {keptAudio !== null && (
        <p data-testid="storage-kept-audio" className="muted">
          {describeKeptAudioUsage(keptAudioUsage(keptAudio))}
          {keptAudio.length > 0 && " Remove it from items in the history, or turn “Keep audio” off there for new transcripts."}
        </p>
      )}
      {status?.persisted === true && <p className="muted">Storage is persistent: the browser will not clear it to free space.</p>}
      {status?.persisted === false && (
        <p className="muted">
          The browser may clear stored models when the device runs low on space.{" "}
          <button type="button" className="button small" onClick={storage.persist}>
            Keep them
          </button>
        </p>
      )}

      <h3>Models on this device</h3>
      {!storage.cacheAvailable && <p className="muted">This browser cannot store models: each transcription downloads the model again.</p>}
      {models !== null && models.length === 0 && (
        <p data-testid="no-cached-models" className="muted">
          No models stored yet. A model is stored the first time you transcribe with it.
        </p>
      )}
      {models !== null && models.length > 0 && (
        <ul className="model-list" data-testid="cached-models">
          {models.map((model) => (
            <li key={model.folder} data-testid="cached-model" data-model={model.modelId ?? model.label}>
              <span className="model-name">{model.label}</span>
              <span className="muted">
                {originText(model)} · {formatStorageBytes(model.bytes)} · {model.files.length} {model.files.length === 1 ? "file" : "files"}
              </span>
              <button type="button" className="button small" onClick={() => storage.remove(model)} disabled={running} aria-label={`Delete ${model.label}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {storage.problem !== null && <p className="status error">{storage.problem}</p>}

      <div className="offline-download">
        <button type="button" className="button" data-testid="make-offline" onClick={storage.makeAvailableOffline} disabled={running || !storage.cacheAvailable || attempt === null}>
          Make {attempt === null ? "the model" : MODELS[attempt.model].label} available offline
        </button>
        {running && <progress max={1} value={download.fraction} aria-label="Model download" data-testid="download-progress" />}
        <p data-testid="download-status" role="status" className={download.kind === "error" ? "status error" : "muted"}>
          {downloadText(download, label)}
        </p>
      </div>
    </details>
  );
}

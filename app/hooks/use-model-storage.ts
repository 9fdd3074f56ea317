"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { browserCaches } from "@/lib/cache-storage";
import { describeError } from "@/lib/errors";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { createLogger } from "@/lib/logger";
import type { Attempt } from "@/lib/model/catalog";
import { deleteCachedModel, listCachedModels, type CachedModel } from "@/lib/model/cache";
import { downloadFraction, downloadModelFiles, type DownloadProgress, type DownloadSummary } from "@/lib/model/download";
import { browserStorageManager, readStorageStatus, requestPersistentStorage, type StorageStatus } from "@/lib/offline/storage-quota";
import type { ModelSource } from "@/lib/model/catalog";

const log = createLogger("storage");

/** Where "make available offline" stands. */
export type DownloadState =
  | { readonly kind: "idle" }
  | { readonly kind: "running"; readonly progress: DownloadProgress | null; readonly fraction: number }
  | { readonly kind: "done"; readonly summary: DownloadSummary }
  | { readonly kind: "error"; readonly message: string };

/** What the storage panel shows and can do. */
export interface ModelStorage {
  /** Cached models, largest first; null until first read, or where the Cache API is missing. */
  readonly models: readonly CachedModel[] | null;
  readonly status: StorageStatus | null;
  /** False where the browser has no Cache API (models are then downloaded for every load). */
  readonly cacheAvailable: boolean;
  readonly download: DownloadState;
  /** The last failure of a delete or a read, for the panel to show. */
  readonly problem: string | null;
  readonly refresh: () => void;
  readonly remove: (model: CachedModel) => void;
  readonly persist: () => void;
  readonly makeAvailableOffline: () => void;
}

/**
 * Lists, deletes and pre-downloads the models stored on this device, and reads storage use and
 * persistence. `attempt` is what "make available offline" downloads (null: not known yet).
 */
export function useModelStorage(attempt: Attempt | null, source: ModelSource): ModelStorage {
  const [models, setModels] = useState<readonly CachedModel[] | null>(null);
  const [status, setStatus] = useState<StorageStatus | null>(null);
  const [cacheAvailable, setCacheAvailable] = useState(true);
  const [download, setDownload] = useState<DownloadState>({ kind: "idle" });
  const [problem, setProblem] = useState<string | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const reload = useCallback(async (): Promise<void> => {
    const storage = browserCaches();
    const [listed, read] = await Promise.all([
      storage === null ? Promise.resolve(null) : listCachedModels(storage, window.location.origin),
      readStorageStatus(browserStorageManager()),
    ]);
    if (!mounted.current) return;
    setCacheAvailable(storage !== null);
    setModels(listed);
    setStatus(read);
  }, []);

  const refresh = useCallback((): void => {
    reload().catch((error: unknown) => {
      log.warn("could not read stored models", describeError(error));
      if (mounted.current) setProblem("Could not read the stored models. Reload the page; if it keeps happening, this browser may block storage for this site.");
    });
  }, [reload]);

  const remove = useCallback(
    (model: CachedModel): void => {
      const storage = browserCaches();
      if (storage === null) return;
      setProblem(null);
      deleteCachedModel(model, storage)
        .then(reload)
        .catch((error: unknown) => {
          log.warn(`could not delete ${model.label}`, describeError(error));
          if (mounted.current) setProblem(`Could not delete ${model.label}. Reload the page and try again.`);
        });
    },
    [reload],
  );

  const persist = useCallback((): void => {
    void requestPersistentStorage(browserStorageManager()).then(() => reload().catch(() => undefined));
  }, [reload]);

  const makeAvailableOffline = useCallback((): void => {
    const storage = browserCaches();
    if (attempt === null) return;
    if (storage === null) {
      setDownload({ kind: "error", message: "This browser cannot store models (no Cache API here)." });
      return;
    }
    setDownload({ kind: "running", progress: null, fraction: 0 });
    let shown = -1;
    downloadModelFiles(attempt, source, {
      storage,
      fetch: (url, init) => fetch(url, init),
      origin: window.location.origin,
      onProgress: (progress) => {
        const fraction = downloadFraction(progress);
        // Re-render per whole percent, not per network chunk.
        if (!mounted.current || Math.floor(fraction * 100) === shown) return;
        shown = Math.floor(fraction * 100);
        setDownload({ kind: "running", progress, fraction });
      },
    })
      .then(async (summary) => {
        // The user asked to keep a model for offline use: ask the browser not to evict it.
        await requestPersistentStorage(browserStorageManager());
        if (mounted.current) setDownload({ kind: "done", summary });
        await reload();
      })
      .catch((error: unknown) => {
        log.warn("making the model available offline failed", describeError(error));
        if (mounted.current) setDownload({ kind: "error", message: ownMessageOr(error, "the download stopped; check the connection and the free storage, then try again") });
        return reload();
      })
      .catch(() => undefined);
  }, [attempt, source, reload]);

  return { models, status, cacheAvailable, download, problem, refresh, remove, persist, makeAvailableOffline };
}

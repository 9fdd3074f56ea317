/**
 * "Make available offline": fetches the files one model attempt needs into transformers.js' own
 * cache, under the exact URLs transformers.js looks them up by, without loading the model into
 * memory. The next load then reads every file from the cache, online or not.
 */
import type { CacheStorageLike } from "../cache-storage";
import { AppError } from "../errors";
import { attemptFiles, type Attempt } from "./catalog";
import { MODEL_CACHE_NAME, modelFileUrl } from "./cache";
import type { ModelSource } from "./catalog";

/** A model file could not be downloaded or stored; `context.file` names it. */
export class ModelDownloadError extends AppError {
  override readonly name = "ModelDownloadError";
}

/** Where a download stands: file `index` (0-based) of `files`, `loaded` of `total` bytes of that file (total 0 when unknown). */
export interface DownloadProgress {
  readonly file: string;
  readonly index: number;
  readonly files: number;
  readonly loaded: number;
  readonly total: number;
}

/** What a finished download did. */
export interface DownloadSummary {
  /** Files fetched now. */
  readonly downloaded: number;
  /** Files that were already in the cache. */
  readonly alreadyCached: number;
  /** Bytes fetched now. */
  readonly bytes: number;
}

/** What {@link downloadModelFiles} needs from its surroundings (the browser's, or test doubles). */
export interface DownloadContext {
  readonly storage: CacheStorageLike;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The page's origin, to resolve a self-hosted model folder. */
  readonly origin: string;
  readonly onProgress: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
}

/** Overall fraction done, from 0 to 1, for a progress bar. */
export function downloadFraction(progress: DownloadProgress): number {
  if (progress.files === 0) return 1;
  const within = progress.total > 0 ? Math.min(1, progress.loaded / progress.total) : 0;
  return Math.min(1, (progress.index + within) / progress.files);
}

function storedHeaders(response: Response): Headers {
  const headers = new Headers(response.headers);
  // A compressed transfer's Content-Length is not the stored (decoded) body's length.
  if (headers.has("content-encoding")) {
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  return headers;
}

/**
 * Downloads the files of `attempt` that are not cached yet into {@link MODEL_CACHE_NAME}, one at a
 * time, streaming each straight into the cache. Throws {@link ModelDownloadError} on the first
 * file that fails; files already stored stay stored.
 */
export async function downloadModelFiles(attempt: Attempt, source: ModelSource, context: DownloadContext): Promise<DownloadSummary> {
  const files = attemptFiles(attempt.dtype);
  const cache = await context.storage.open(MODEL_CACHE_NAME);
  let downloaded = 0;
  let alreadyCached = 0;
  let bytes = 0;
  for (const [index, file] of files.entries()) {
    const url = modelFileUrl(source, attempt.model, file, context.origin);
    if ((await cache.match(url)) !== undefined) {
      alreadyCached += 1;
      context.onProgress({ file, index: index + 1, files: files.length, loaded: 0, total: 0 });
      continue;
    }
    let response: Response;
    try {
      response = await context.fetch(url, { signal: context.signal });
    } catch (cause) {
      throw new ModelDownloadError("download-failed", `could not download ${file}: the network is unreachable`, { cause, context: { file, url } });
    }
    if (response.status !== 200 || response.body === null) {
      throw new ModelDownloadError("download-failed", `could not download ${file}: the server answered ${response.status}`, { context: { file, url, status: response.status } });
    }
    const headers = storedHeaders(response);
    const total = Number(headers.get("content-length") ?? "0") || 0;
    let loaded = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          loaded += chunk.byteLength;
          context.onProgress({ file, index, files: files.length, loaded, total });
          controller.enqueue(chunk);
        },
      }),
    );
    try {
      await cache.put(url, new Response(counted, { status: 200, statusText: response.statusText, headers }));
    } catch (cause) {
      throw new ModelDownloadError("store-failed", `could not store ${file} on this device (is the storage full?)`, { cause, context: { file, url } });
    }
    downloaded += 1;
    bytes += loaded;
    context.onProgress({ file, index: index + 1, files: files.length, loaded: 0, total: 0 });
  }
  return { downloaded, alreadyCached, bytes };
}

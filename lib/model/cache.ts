/**
 * The models stored on this device. transformers.js keeps every model file it downloads in one
 * Cache API cache ({@link MODEL_CACHE_NAME}), keyed by the URL it would fetch the file from; this
 * module mirrors that keying ({@link modelFileUrl}) so files can be fetched ahead of time, and
 * groups the cache's entries by model folder so the settings panel can list and delete models.
 * The service worker never caches model files itself: there is exactly one copy.
 */
import type { CacheStorageLike } from "../cache-storage";
import { attemptFiles, MODELS, isModelId, type Attempt, type ModelId } from "./catalog";
import type { ModelSource } from "./catalog";

/** The Cache API cache transformers.js stores model files in (its `env.cacheKey`). */
export const MODEL_CACHE_NAME = "transformers-cache";

/** transformers.js' default `env.remoteHost`: where Hub models are fetched from. */
export const HUB_HOST = "https://huggingface.co/";

/**
 * The `env.remoteHost` for a Hub source: its mirror's endpoint with a trailing slash, else
 * {@link HUB_HOST}. Use it wherever a Hub URL is built, so a mirror gets every request.
 */
export function hubHost(source: Extract<ModelSource, { kind: "hub" }>): string {
  return source.endpoint === undefined ? HUB_HOST : `${source.endpoint.replace(/\/+$/, "")}/`;
}

/** One cached file and its size in bytes. */
export interface CachedFile {
  readonly url: string;
  readonly bytes: number;
}

/** The cached files of one model folder. */
export interface CachedModel {
  /** Stable key of the folder: its URL without the file part (e.g. `https://huggingface.co/onnx-community/whisper-tiny`). */
  readonly folder: string;
  /** Our model id when the folder is one of the catalogue's models, else null. */
  readonly modelId: ModelId | null;
  /** "Whisper tiny", or the folder's last path segment for a model not in the catalogue. */
  readonly label: string;
  /** Where the files came from: the Hugging Face Hub, this app's server, or elsewhere. */
  readonly origin: "hub" | "self-hosted" | "other";
  readonly files: readonly CachedFile[];
  readonly bytes: number;
}

/**
 * The URL transformers.js 4.3 fetches `file` of `model` from, which is also its cache key: for
 * self-hosted models `env.localModelPath` (the absolute `baseUrl`) joined with `<model>/<file>`,
 * for the Hub `https://huggingface.co/<repo>/resolve/main/<file>` (or the mirror's endpoint, {@link hubHost}).
 */
export function modelFileUrl(source: ModelSource, model: ModelId, file: string, origin: string): string {
  if (source.kind === "self-hosted") {
    const base = new URL(source.baseUrl, origin).href.replace(/\/$/, "");
    return `${base}/${model}/${file}`;
  }
  return `${hubHost(source)}${MODELS[model].hubRepo}/resolve/main/${file}`;
}

/**
 * True when every file `attempt` loads is in the model cache of `storage` already (false when the
 * cache cannot be opened): what transformers.js will read from this device, not download.
 */
export async function attemptStored(storage: CacheStorageLike, attempt: Attempt, source: ModelSource, origin: string): Promise<boolean> {
  try {
    const cache = await storage.open(MODEL_CACHE_NAME);
    for (const file of attemptFiles(attempt.dtype)) {
      if ((await cache.match(modelFileUrl(source, attempt.model, file, origin))) === undefined) return false;
    }
    return true;
  } catch {
    return false;
  }
}

interface Folder {
  readonly folder: string;
  readonly origin: CachedModel["origin"];
  /** The folder's own name: a Hub repo ("onnx-community/whisper-tiny") or a folder name ("whisper-tiny"). */
  readonly name: string;
}

/**
 * The model folder a cached file belongs to: its URL less the file name, an `onnx/` level and a Hub
 * `resolve/<revision>/` part (on huggingface.co, or on any other origin but the app's: a mirror).
 */
export function folderOf(url: string, appOrigin: string): Folder | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const parts = parsed.pathname.split("/").filter((part) => part !== "");
  if (parts.length < 2) return null;
  const hub = `${parsed.origin}/` === HUB_HOST;
  const resolveAt = parts.indexOf("resolve");
  if (hub || (parsed.origin !== appOrigin && resolveAt >= 1)) {
    if (resolveAt < 1) return null;
    const repo = parts.slice(0, resolveAt);
    return { folder: `${parsed.origin}/${repo.join("/")}`, origin: hub ? "hub" : "other", name: repo.join("/") };
  }
  const dirs = parts.slice(0, -1);
  if (dirs[dirs.length - 1] === "onnx") dirs.pop();
  const name = dirs[dirs.length - 1];
  if (name === undefined) return null;
  return { folder: `${parsed.origin}/${dirs.join("/")}`, origin: parsed.origin === appOrigin ? "self-hosted" : "other", name };
}

function catalogueId(folder: Folder): ModelId | null {
  if (folder.name.includes("/")) {
    const model = Object.values(MODELS).find((info) => info.hubRepo === folder.name);
    return model === undefined ? null : model.id;
  }
  return isModelId(folder.name) ? folder.name : null;
}

/** Groups cached files by model folder, largest first; files outside any model folder are left out. */
export function groupCachedFiles(files: readonly CachedFile[], appOrigin: string): CachedModel[] {
  const groups = new Map<string, { folder: Folder; files: CachedFile[] }>();
  for (const file of files) {
    const folder = folderOf(file.url, appOrigin);
    if (folder === null) continue;
    const group = groups.get(folder.folder) ?? { folder, files: [] };
    group.files.push(file);
    groups.set(folder.folder, group);
  }
  return [...groups.values()]
    .map(({ folder, files: groupFiles }): CachedModel => {
      const modelId = catalogueId(folder);
      return {
        folder: folder.folder,
        modelId,
        label: modelId === null ? (folder.name.split("/").pop() ?? folder.name) : MODELS[modelId].label,
        origin: folder.origin,
        files: [...groupFiles].sort((a, b) => a.url.localeCompare(b.url)),
        bytes: groupFiles.reduce((sum, file) => sum + file.bytes, 0),
      };
    })
    .sort((a, b) => b.bytes - a.bytes || a.label.localeCompare(b.label));
}

/** Size of a cached response: its Content-Length when it describes the stored body, else the body's size. */
export async function cachedResponseBytes(response: Response): Promise<number> {
  const length = Number(response.headers.get("content-length") ?? "");
  if (response.headers.get("content-encoding") === null && Number.isInteger(length) && length > 0) return length;
  return (await response.blob()).size;
}

/** Lists the models in transformers.js' cache with their sizes; empty when nothing is cached. */
export async function listCachedModels(storage: CacheStorageLike, appOrigin: string): Promise<CachedModel[]> {
  if (!(await storage.has(MODEL_CACHE_NAME))) return [];
  const cache = await storage.open(MODEL_CACHE_NAME);
  const files: CachedFile[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request.url);
    if (response !== undefined) files.push({ url: request.url, bytes: await cachedResponseBytes(response) });
  }
  return groupCachedFiles(files, appOrigin);
}

/** Deletes every cached file of one model; the next transcription with it downloads it again. */
export async function deleteCachedModel(model: CachedModel, storage: CacheStorageLike): Promise<void> {
  if (!(await storage.has(MODEL_CACHE_NAME))) return;
  const cache = await storage.open(MODEL_CACHE_NAME);
  for (const file of model.files) await cache.delete(file.url);
}

/**
 * The PWA share target: another app shares a voice note or video with ours, the browser POSTs it
 * (multipart) to {@link SHARE_TARGET_PATH}, the service worker keeps the file in a cache and
 * redirects to the page with `?share=<id>`, and the page takes the file out and transcribes it.
 * Nothing is uploaded: the POST never leaves the device while the service worker runs. The manifest,
 * the service worker, the fallback route and the page all read the names below.
 */
import type { CacheStorageLike } from "../cache-storage";

/** Where the manifest's `share_target` posts shared files. */
export const SHARE_TARGET_PATH = "/share-target";

/** The form field holding the shared files (the manifest's `share_target.params.files[].name`). */
export const SHARE_FILE_FIELD = "audio";

/** What a shared file may be; Android matches shared items against these MIME types and extensions. */
export const SHARE_ACCEPT: readonly string[] = [
  "audio/*",
  "video/*",
  "audio/ogg",
  "audio/opus",
  "audio/mpeg",
  "audio/mp4",
  "audio/x-m4a",
  "audio/aac",
  "audio/wav",
  "audio/x-wav",
  "audio/webm",
  "audio/flac",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  ".ogg",
  ".oga",
  ".opus",
  ".m4a",
  ".mp3",
  ".wav",
  ".webm",
  ".mp4",
  ".mov",
  ".flac",
];

/** Query parameter that tells the page what the share target received. */
export const SHARE_QUERY_PARAM = "share";

/** Cache that holds shared files between the POST and the page picking them up. */
export const SHARED_FILES_CACHE = "shared-files";

const SHARED_FILE_PATH = "/__shared-files/";
const FILE_NAME_HEADER = "x-shared-file-name";
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What the share target made of a POST: a stored file, or why there is none. `unsupported` is the
 * server's answer when no service worker caught the POST (the file is never read there).
 */
export type ShareOutcome =
  | { readonly kind: "file"; readonly id: string }
  | { readonly kind: "empty" }
  | { readonly kind: "failed" }
  | { readonly kind: "unsupported" };

/** The page URL (path and query) the share target redirects to for `outcome`. */
export function shareRedirectPath(outcome: ShareOutcome): string {
  return `/?${SHARE_QUERY_PARAM}=${outcome.kind === "file" ? outcome.id : outcome.kind}`;
}

/** Reads the share outcome from a page URL's query string (`location.search`); null when there is none. */
export function parseShareParam(search: string): ShareOutcome | null {
  const value = new URLSearchParams(search).get(SHARE_QUERY_PARAM);
  if (value === null) return null;
  if (ID_PATTERN.test(value)) return { kind: "file", id: value };
  if (value === "empty" || value === "unsupported") return { kind: value };
  return { kind: "failed" };
}

/** The first file in a share-target form: the named field first, then any other file field. */
export function firstSharedFile(form: FormData): File | null {
  const named = form.getAll(SHARE_FILE_FIELD).find((value): value is File => typeof value !== "string" && value.size > 0);
  if (named !== undefined) return named;
  for (const [, value] of form) if (typeof value !== "string" && value.size > 0) return value;
  return null;
}

function keyFor(id: string, origin: string): string {
  return new URL(`${SHARED_FILE_PATH}${id}`, origin).href;
}

/** Keeps a shared file until the page takes it; returns its id for {@link shareRedirectPath}. */
export async function storeSharedFile(file: File, storage: CacheStorageLike, origin: string): Promise<string> {
  const id = crypto.randomUUID();
  const cache = await storage.open(SHARED_FILES_CACHE);
  await cache.put(
    keyFor(id, origin),
    new Response(file, {
      headers: {
        "content-type": file.type === "" ? "application/octet-stream" : file.type,
        "content-length": String(file.size),
        [FILE_NAME_HEADER]: encodeURIComponent(file.name === "" ? "shared-audio" : file.name),
      },
    }),
  );
  return id;
}

/** Takes a stored shared file out of the cache (it is deleted); null when there is no such file. */
export async function takeSharedFile(id: string, storage: CacheStorageLike, origin: string): Promise<File | null> {
  if (!ID_PATTERN.test(id) || !(await storage.has(SHARED_FILES_CACHE))) return null;
  const cache = await storage.open(SHARED_FILES_CACHE);
  const key = keyFor(id, origin);
  const response = await cache.match(key);
  if (response === undefined) return null;
  const blob = await response.blob();
  await cache.delete(key);
  const type = response.headers.get("content-type") ?? "";
  const name = decodeURIComponent(response.headers.get(FILE_NAME_HEADER) ?? "shared-audio");
  return new File([blob], name, { type: type === "application/octet-stream" ? "" : type });
}

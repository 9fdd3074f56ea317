/**
 * The self-hosted model folder (`WHISPER_MODELS_DIR`) as the app's server may expose it. Use
 * {@link findModelFile} before serving anything under `/models/`: only regular model files whose
 * real path lies inside the folder are served — no dotfiles (`.env`, `.git/`), no other file types,
 * nothing a symlink points to outside the folder. Server-side only (node:fs).
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { MODEL_ORDER } from "./catalog";
import { manifestFromListing, REQUIRED_MODEL_FILES, type ModelManifest } from "./model-manifest";

/** Content types of the files a Hugging Face model folder holds; anything else is not served. */
export const MODEL_FILE_TYPES: Readonly<Record<string, string>> = {
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".onnx": "application/octet-stream",
  ".onnx_data": "application/octet-stream",
};

/** A file that may be served: its real path, size and content type. */
export interface ModelFile {
  readonly path: string;
  readonly size: number;
  readonly contentType: string;
}

/** True for a path segment that can name a served file or folder (no dotfiles, no separators). */
export function isServableSegment(segment: string): boolean {
  return segment.length > 0 && !segment.startsWith(".") && !/[/\\\0]/.test(segment);
}

/**
 * The file at `segments` (URL path segments, already decoded) inside `dir`, or null when it must
 * not be served: a dot segment or dotfile, a type outside {@link MODEL_FILE_TYPES}, a missing file,
 * a folder, or a real path (after symlinks) outside `dir`.
 */
export async function findModelFile(dir: string, segments: readonly string[]): Promise<ModelFile | null> {
  if (segments.length === 0 || !segments.every(isServableSegment)) return null;
  const last = segments[segments.length - 1] ?? "";
  const contentType = MODEL_FILE_TYPES[extname(last)];
  if (contentType === undefined) return null;
  try {
    const root = await realpath(/*turbopackIgnore: true*/ dir);
    const real = await realpath(/*turbopackIgnore: true*/ resolve(root, ...segments));
    if (!real.startsWith(root + sep)) return null;
    const info = await stat(/*turbopackIgnore: true*/ real);
    if (!info.isFile()) return null;
    return { path: real, size: info.size, contentType };
  } catch {
    return null;
  }
}

async function servableNames(dir: string, segments: readonly string[]): Promise<string[]> {
  try {
    const names = await readdir(/*turbopackIgnore: true*/ resolve(dir, ...segments));
    const served = await Promise.all(names.map(async (name) => ((await findModelFile(dir, [...segments, name])) === null ? null : [...segments, name].join("/"))));
    return served.filter((path): path is string => path !== null);
  } catch {
    return [];
  }
}

/**
 * What `dir` holds that the browser can load: the files {@link findModelFile} would serve under each
 * model's folder and its `onnx/`, reduced to a {@link ModelManifest}. Read it per page request, so a
 * folder filled while the server runs shows up without a restart.
 */
export async function readModelManifest(dir: string): Promise<ModelManifest> {
  const listings = await Promise.all(
    MODEL_ORDER.map(async (model) => {
      const top = (await servableNames(dir, [model])).filter((path) => REQUIRED_MODEL_FILES.some((file) => path === `${model}/${file}`));
      return [...top, ...(await servableNames(dir, [model, "onnx"]))];
    }),
  );
  return manifestFromListing(listings.flat());
}

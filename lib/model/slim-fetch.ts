/**
 * Serves merged Whisper decoders slimmed (lib/model/slim-decoder.ts) to transformers.js, on the
 * default path: call {@link installDecoderSlimming} once, in the worker, before the first load.
 *
 * transformers.js 4.3 fetches every model file, Hub or self-hosted, through `env.fetch` and stores
 * the body it read in its cache, so a decoder fetched through {@link slimmingFetch} is slimmed once,
 * on its first download, and cached slimmed. Decoders that reach the cache another way (cached by
 * an older version of the app, or fetched by "Make available offline", lib/model/download.ts) are
 * slimmed the first time transformers.js reads them, by {@link slimmingCache}, and stored back.
 * Either way the stored copy is marked ({@link SLIMMED_HEADER}), and later visits load it as it is,
 * at no extra cost.
 */
import type { env as TransformersEnv } from "@huggingface/transformers";
import { browserCaches, type CacheLike } from "../cache-storage";
import { createLogger } from "../logger";
import { MERGED_DECODER_FILE, slimDecoder } from "./slim-decoder";

const log = createLogger("slim-fetch");

/** The shape of transformers.js' `env.fetch`. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Header on a decoder response this module has been through; its value is what slimDecoder did. */
export const SLIMMED_HEADER = "x-whisper-slimmed";

function pathOf(input: string | URL): string {
  const href = typeof input === "string" ? input : input.href;
  return href.split(/[?#]/, 1)[0] ?? href;
}

/** `response`'s body, slimmed, as a new response with matching headers. */
async function slimmed(response: Response, path: string): Promise<Response> {
  const fetched = new Uint8Array(await response.arrayBuffer());
  const started = performance.now();
  const { bytes, outcome } = slimDecoder(fetched);
  log.info(`${path}: ${outcome.message} (${Math.round(performance.now() - started)} ms)`);
  const headers = new Headers(response.headers);
  // The body handed on is the decoded one: its length, not the transfer's.
  headers.delete("content-encoding");
  headers.set("content-length", String(bytes.byteLength));
  headers.set(SLIMMED_HEADER, outcome.kind);
  return new Response(bytes, { status: response.status, statusText: response.statusText, headers });
}

/**
 * `fetch` that slims successful responses for `decoder_model_merged*.onnx` and passes everything
 * else through untouched. A decoder it cannot slim (already slim, or not the expected layout) is
 * handed on with the same bytes. The decoder's body is read whole before the response is handed
 * on, so transformers.js' download progress for that one file jumps from 0 to 100 %.
 */
export function slimmingFetch(inner: FetchLike): FetchLike {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.status !== 200 || !MERGED_DECODER_FILE.test(pathOf(input))) return response;
    return slimmed(response, pathOf(input));
  };
}

/** The part of the Cache API that transformers.js' `env.customCache` needs. */
export interface ModelFileCache {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
}

/**
 * A cache for `env.customCache` over the cache `open` returns (transformers.js' own Cache API
 * cache): the same entries, except that a decoder stored unmarked is slimmed when first read and
 * stored back slimmed. A cache that cannot be opened behaves as an empty one, as transformers.js
 * does with its own.
 */
export function slimmingCache(open: () => Promise<CacheLike>): ModelFileCache {
  let opened: Promise<CacheLike | null> | null = null;
  const cache = (): Promise<CacheLike | null> =>
    (opened ??= open().catch((error: unknown) => {
      log.warn("could not open the model cache", error);
      return null;
    }));
  return {
    async match(request) {
      const store = await cache();
      const response = await store?.match(request);
      if (store === null || response === undefined || !MERGED_DECODER_FILE.test(pathOf(request)) || response.headers.has(SLIMMED_HEADER)) return response;
      const upgraded = await slimmed(response, pathOf(request));
      await store.put(request, upgraded.clone()).catch((error: unknown) => log.warn(`could not store the slimmed ${pathOf(request)}`, error));
      return upgraded;
    },
    async put(request, response) {
      await (await cache())?.put(request, response);
    },
  };
}

/**
 * Makes transformers.js load merged decoders slimmed: wraps `env.fetch` with
 * {@link slimmingFetch} and, where the Cache API exists, puts {@link slimmingCache} over the
 * `cacheName` cache in front of it. Call once, before the first model load; transformers.js must
 * keep caching in `cacheName` (its `env.cacheKey`), which this does not change.
 */
export function installDecoderSlimming(env: typeof TransformersEnv, cacheName: string): void {
  env.fetch = slimmingFetch(env.fetch);
  const storage = browserCaches();
  if (storage === null) return;
  env.customCache = slimmingCache(() => storage.open(cacheName));
  env.useCustomCache = true;
}

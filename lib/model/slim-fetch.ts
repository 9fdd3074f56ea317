/**
 * Serves merged Whisper decoders slimmed (lib/model/slim-decoder.ts) to transformers.js, on the
 * default path: wrap `env.fetch` with {@link slimmingFetch} once, in the worker, before the first
 * load. transformers.js 4.3 fetches every model file, Hub or self-hosted, through `env.fetch`, and
 * stores the body it read in its Cache API cache, so a decoder is slimmed once, on its first
 * download, and later visits load the slimmed copy from the cache at no extra cost.
 */
import { createLogger } from "../logger";
import { MERGED_DECODER_FILE, slimDecoder } from "./slim-decoder";

const log = createLogger("slim-fetch");

/** The shape of transformers.js' `env.fetch`. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Response header set on a decoder this module slimmed, so that a cached copy shows it was. */
export const SLIMMED_HEADER = "x-whisper-slimmed";

function pathOf(input: string | URL): string {
  const href = typeof input === "string" ? input : input.href;
  return href.split(/[?#]/, 1)[0] ?? href;
}

/**
 * `fetch` that slims successful responses for `decoder_model_merged*.onnx` and passes everything
 * else through untouched. A decoder it cannot slim (already slim, or not the expected layout) is
 * returned as fetched. The decoder's body is read whole before the response is handed on, so
 * transformers.js' download progress for that one file jumps from 0 to 100 %.
 */
export function slimmingFetch(inner: FetchLike): FetchLike {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.status !== 200 || !MERGED_DECODER_FILE.test(pathOf(input))) return response;
    const fetched = new Uint8Array(await response.arrayBuffer());
    const started = performance.now();
    const { bytes, outcome } = slimDecoder(fetched);
    log.info(`${pathOf(input)}: ${outcome.message} (${Math.round(performance.now() - started)} ms)`);
    const headers = new Headers(response.headers);
    // The body handed on is the decoded one: its length, not the transfer's.
    headers.delete("content-encoding");
    headers.set("content-length", String(bytes.byteLength));
    if (outcome.kind === "slimmed") headers.set(SLIMMED_HEADER, "1");
    return new Response(bytes, { status: response.status, statusText: response.statusText, headers });
  };
}

// slimmingFetch: a merged decoder comes back slimmed (what transformers.js then caches), with a
// matching Content-Length; every other file, and failed responses, pass through untouched.
// slimmingCache: a decoder cached unslimmed (older app, "Make available offline") is slimmed on
// first read and stored back marked; marked entries and other files are returned as stored.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { slimDecoder } from "@/lib/model/slim-decoder";
import type { CacheLike } from "@/lib/cache-storage";
import { SLIMMED_HEADER, slimmingCache, slimmingFetch, type FetchLike } from "@/lib/model/slim-fetch";

const HUB = fileURLToPath(new URL("../../../fixtures/models-hub/whisper-tiny/onnx/", import.meta.url));
const decoder = new Uint8Array(readFileSync(`${HUB}decoder_model_merged_quantized.onnx`));
const encoder = new Uint8Array(readFileSync(`${HUB}encoder_model_quantized.onnx`));

function serving(body: Uint8Array<ArrayBuffer>, status = 200): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = (input) => {
    urls.push(String(input));
    return Promise.resolve(new Response(status === 200 ? body : null, { status, headers: { "content-length": String(body.length), "content-encoding": "br", etag: "x" } }));
  };
  return { fetch, urls };
}

describe("slimmingFetch", () => {
  it("slims a merged decoder fetched from the Hub and says so in its headers", async () => {
    const inner = serving(decoder);
    const url = "https://huggingface.co/onnx-community/whisper-tiny/resolve/main/onnx/decoder_model_merged_quantized.onnx?download=1";
    const response = await slimmingFetch(inner.fetch)(url);
    const body = new Uint8Array(await response.arrayBuffer());
    expect(inner.urls).toEqual([url]);
    expect(slimDecoder(body).outcome.kind).toBe("already-slim");
    expect(Buffer.from(body).equals(slimDecoder(decoder).bytes)).toBe(true);
    expect(response.headers.get("content-length")).toBe(String(body.length));
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(response.headers.get(SLIMMED_HEADER)).toBe("slimmed");
    expect(response.headers.get("etag")).toBe("x");
  });

  it("passes other files and failed responses through as they came", async () => {
    const other = serving(encoder);
    const first = await slimmingFetch(other.fetch)(new URL("https://example.test/models/whisper-tiny/onnx/encoder_model_quantized.onnx"));
    expect(Buffer.from(await first.arrayBuffer()).equals(encoder)).toBe(true);
    expect(first.headers.get("content-encoding")).toBe("br");
    const missing = await slimmingFetch(serving(decoder, 404).fetch)("/models/whisper-tiny/onnx/decoder_model_merged.onnx");
    expect(missing.status).toBe(404);
  });

  it("hands on a decoder it cannot slim unchanged", async () => {
    const notOnnx = new TextEncoder().encode("<!doctype html>");
    const response = await slimmingFetch(serving(notOnnx).fetch)("/models/whisper-tiny/onnx/decoder_model_merged.onnx");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(notOnnx);
    expect(response.headers.get(SLIMMED_HEADER)).toBe("skipped");
  });
});

class MemoryCache implements CacheLike {
  readonly entries = new Map<string, Response>();
  puts = 0;
  match(request: string): Promise<Response | undefined> {
    return Promise.resolve(this.entries.get(request)?.clone());
  }
  put(request: string, response: Response): Promise<void> {
    this.puts += 1;
    this.entries.set(request, response);
    return Promise.resolve();
  }
  delete(request: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(request));
  }
  keys(): Promise<readonly Request[]> {
    return Promise.resolve([...this.entries.keys()].map((url) => new Request(url)));
  }
}

describe("slimmingCache", () => {
  const url = "https://app.test/models/whisper-tiny/onnx/decoder_model_merged_quantized.onnx";

  it("slims an unmarked cached decoder once and stores it back", async () => {
    const store = new MemoryCache();
    store.entries.set(url, new Response(decoder, { headers: { "content-length": String(decoder.length) } }));
    const cache = slimmingCache(() => Promise.resolve(store));
    const first = await cache.match(url);
    const body = new Uint8Array((await first?.arrayBuffer()) ?? new ArrayBuffer(0));
    expect(Buffer.from(body).equals(slimDecoder(decoder).bytes)).toBe(true);
    expect(store.puts).toBe(1);
    expect(store.entries.get(url)?.headers.get(SLIMMED_HEADER)).toBe("slimmed");
    expect(store.entries.get(url)?.headers.get("content-length")).toBe(String(body.length));
    const second = await cache.match(url);
    expect(second?.headers.get(SLIMMED_HEADER)).toBe("slimmed");
    expect(store.puts).toBe(1);
  });

  it("returns other files and misses as stored, and writes through put", async () => {
    const store = new MemoryCache();
    const cache = slimmingCache(() => Promise.resolve(store));
    expect(await cache.match(url)).toBeUndefined();
    await cache.put("https://app.test/models/whisper-tiny/config.json", new Response("{}"));
    expect(await (await cache.match("https://app.test/models/whisper-tiny/config.json"))?.text()).toBe("{}");
    expect(store.puts).toBe(1);
  });

  it("behaves as an empty cache when the cache cannot be opened", async () => {
    const cache = slimmingCache(() => Promise.reject(new DOMException("denied", "SecurityError")));
    expect(await cache.match(url)).toBeUndefined();
    await expect(cache.put(url, new Response("x"))).resolves.toBeUndefined();
  });
});

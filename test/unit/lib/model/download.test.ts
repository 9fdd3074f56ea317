import { describe, expect, it } from "vitest";
import { DTYPES, attemptFiles, type Attempt } from "@/lib/model/catalog";
import { MODEL_CACHE_NAME } from "@/lib/model/cache";
import { ModelDownloadError, downloadFraction, downloadModelFiles, type DownloadProgress } from "@/lib/model/download";
import { MemoryCacheStorage } from "../../../support/memory-caches";

const ORIGIN = "http://127.0.0.1:3210";
const TINY: Attempt = { model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm };
const SOURCE = { kind: "self-hosted", baseUrl: "/models/" } as const;

function fakeServer(missing: string | null = null) {
  const requested: string[] = [];
  const fetch = async (url: string): Promise<Response> => {
    requested.push(url);
    if (missing !== null && url.endsWith(missing)) return new Response("not found", { status: 404 });
    const body = new Uint8Array(1000).fill(7);
    return new Response(body, { headers: { "content-type": "application/octet-stream", "content-length": "1000" } });
  };
  return { fetch, requested };
}

describe("downloadModelFiles", () => {
  it("stores every file of the attempt under the URL transformers.js looks it up by, with progress", async () => {
    const storage = new MemoryCacheStorage();
    const server = fakeServer();
    const progress: DownloadProgress[] = [];
    const summary = await downloadModelFiles(TINY, SOURCE, { storage, fetch: server.fetch, origin: ORIGIN, onProgress: (p) => progress.push(p) });

    const files = attemptFiles(TINY.dtype);
    expect(summary).toEqual({ downloaded: files.length, alreadyCached: 0, bytes: files.length * 1000 });
    const cache = await storage.open(MODEL_CACHE_NAME);
    expect([...cache.entries.keys()].sort()).toEqual(files.map((file) => `${ORIGIN}/models/whisper-tiny/${file}`).sort());
    expect((await cache.match(`${ORIGIN}/models/whisper-tiny/onnx/encoder_model_quantized.onnx`))?.headers.get("content-length")).toBe("1000");
    const last = progress[progress.length - 1];
    expect(last === undefined ? 0 : downloadFraction(last)).toBe(1);
    expect(progress.every((p, i) => i === 0 || downloadFraction(p) >= downloadFraction(progress[i - 1] ?? p))).toBe(true);
  });

  it("skips files already stored", async () => {
    const storage = new MemoryCacheStorage();
    await downloadModelFiles(TINY, SOURCE, { storage, fetch: fakeServer().fetch, origin: ORIGIN, onProgress: () => undefined });
    const again = fakeServer();
    const summary = await downloadModelFiles(TINY, SOURCE, { storage, fetch: again.fetch, origin: ORIGIN, onProgress: () => undefined });
    expect(summary.downloaded).toBe(0);
    expect(again.requested).toEqual([]);
  });

  it("fails with the file's name when the server lacks it, and when the network is down", async () => {
    const storage = new MemoryCacheStorage();
    const failing = downloadModelFiles(TINY, SOURCE, { storage, fetch: fakeServer("tokenizer.json").fetch, origin: ORIGIN, onProgress: () => undefined });
    await expect(failing).rejects.toThrow(ModelDownloadError);
    await expect(failing).rejects.toThrow(/tokenizer\.json.*404/);
    const offline = downloadModelFiles(TINY, SOURCE, {
      storage,
      fetch: () => Promise.reject(new TypeError("Failed to fetch")),
      origin: ORIGIN,
      onProgress: () => undefined,
    });
    await expect(offline).rejects.toThrow(/unreachable/);
  });
});

import { describe, expect, it } from "vitest";
import { HUB_HOST, MODEL_CACHE_NAME, attemptStored, deleteCachedModel, folderOf, groupCachedFiles, hubHost, listCachedModels, modelFileUrl } from "@/lib/model/cache";
import { MemoryCacheStorage } from "../../../support/memory-caches";

const ORIGIN = "http://127.0.0.1:3210";

describe("modelFileUrl mirrors transformers.js 4.3's URLs and cache keys", () => {
  it("self-hosted: the absolute models folder joined with <model>/<file>", () => {
    expect(modelFileUrl({ kind: "self-hosted", baseUrl: "/models/" }, "whisper-tiny", "onnx/encoder_model_quantized.onnx", ORIGIN)).toBe(
      "http://127.0.0.1:3210/models/whisper-tiny/onnx/encoder_model_quantized.onnx",
    );
    expect(modelFileUrl({ kind: "self-hosted", baseUrl: "/models" }, "whisper-base", "config.json", ORIGIN)).toBe("http://127.0.0.1:3210/models/whisper-base/config.json");
  });

  it("Hub: huggingface.co/<repo>/resolve/main/<file>", () => {
    expect(modelFileUrl({ kind: "hub" }, "whisper-tiny", "tokenizer.json", ORIGIN)).toBe("https://huggingface.co/onnx-community/whisper-tiny/resolve/main/tokenizer.json");
  });

  it("Hub mirror: the same path on the mirror's endpoint", () => {
    expect(modelFileUrl({ kind: "hub", endpoint: "https://hf-mirror.example.org/" }, "whisper-base", "onnx/encoder_model.onnx", ORIGIN)).toBe("https://hf-mirror.example.org/onnx-community/whisper-base/resolve/main/onnx/encoder_model.onnx");
  });
});

describe("hubHost", () => {
  it("is transformers.js' default without a mirror, else the mirror's endpoint with one trailing slash", () => {
    expect(hubHost({ kind: "hub" })).toBe(HUB_HOST);
    expect(hubHost({ kind: "hub", endpoint: "http://127.0.0.1:8080" })).toBe("http://127.0.0.1:8080/");
    expect(hubHost({ kind: "hub", endpoint: "https://mirror.example.org/hf//" })).toBe("https://mirror.example.org/hf/");
  });
});

describe("folderOf", () => {
  it.each([
    ["https://huggingface.co/onnx-community/whisper-base/resolve/main/onnx/decoder_model_merged_q4.onnx", "https://huggingface.co/onnx-community/whisper-base", "hub"],
    ["https://huggingface.co/onnx-community/whisper-base/resolve/main/config.json", "https://huggingface.co/onnx-community/whisper-base", "hub"],
    [`${ORIGIN}/models/whisper-tiny/onnx/encoder_model_quantized.onnx`, `${ORIGIN}/models/whisper-tiny`, "self-hosted"],
    [`${ORIGIN}/models/whisper-tiny/config.json`, `${ORIGIN}/models/whisper-tiny`, "self-hosted"],
    ["https://models.example.org/m/whisper-small/config.json", "https://models.example.org/m/whisper-small", "other"],
    ["https://hf-mirror.example.org/onnx-community/whisper-tiny/resolve/main/onnx/encoder_model.onnx", "https://hf-mirror.example.org/onnx-community/whisper-tiny", "other"],
  ])("%s → %s (%s)", (url, folder, origin) => {
    expect(folderOf(url, ORIGIN)).toMatchObject({ folder, origin });
  });

  it("is null for URLs outside any folder", () => {
    expect(folderOf(`${ORIGIN}/config.json`, ORIGIN)).toBeNull();
    expect(folderOf("not a url", ORIGIN)).toBeNull();
    expect(folderOf("https://huggingface.co/api/models", ORIGIN)).toBeNull();
  });
});

describe("groupCachedFiles", () => {
  it("groups by model folder, names catalogue models, sums sizes, largest first", () => {
    const groups = groupCachedFiles(
      [
        { url: `${ORIGIN}/models/whisper-tiny/config.json`, bytes: 2_000 },
        { url: `${ORIGIN}/models/whisper-tiny/onnx/encoder_model_quantized.onnx`, bytes: 10_000_000 },
        { url: "https://huggingface.co/onnx-community/whisper-base/resolve/main/onnx/encoder_model.onnx", bytes: 80_000_000 },
        { url: "https://huggingface.co/onnx-community/whisper-base/resolve/main/config.json", bytes: 1_000 },
        { url: "https://huggingface.co/someone/whisper-large/resolve/main/config.json", bytes: 500 },
        { url: "http://127.0.0.1:8080/onnx-community/whisper-tiny/resolve/main/config.json", bytes: 700 },
      ],
      ORIGIN,
    );
    expect(groups.map((group) => [group.label, group.modelId, group.origin, group.bytes, group.files.length])).toEqual([
      ["Whisper base", "whisper-base", "hub", 80_001_000, 2],
      ["Whisper tiny", "whisper-tiny", "self-hosted", 10_002_000, 2],
      ["Whisper tiny", "whisper-tiny", "other", 700, 1],
      ["whisper-large", null, "hub", 500, 1],
    ]);
  });
});

describe("listCachedModels and deleteCachedModel", () => {
  it("reads sizes from the cache, and deletes one model's files only", async () => {
    const storage = new MemoryCacheStorage();
    expect(await listCachedModels(storage, ORIGIN)).toEqual([]);
    const cache = await storage.open(MODEL_CACHE_NAME);
    await cache.put(`${ORIGIN}/models/whisper-tiny/config.json`, new Response("{}", { headers: { "content-length": "2" } }));
    // A compressed transfer's Content-Length says nothing about the stored body: measure it.
    await cache.put(`${ORIGIN}/models/whisper-tiny/tokenizer.json`, new Response("x".repeat(300), { headers: { "content-length": "40", "content-encoding": "gzip" } }));
    await cache.put("https://huggingface.co/onnx-community/whisper-base/resolve/main/config.json", new Response("y".repeat(50)));

    const models = await listCachedModels(storage, ORIGIN);
    expect(models.map((model) => [model.label, model.bytes])).toEqual([
      ["Whisper tiny", 302],
      ["Whisper base", 50],
    ]);

    const tiny = models[0];
    if (tiny === undefined) throw new Error("expected a model");
    await deleteCachedModel(tiny, storage);
    expect((await listCachedModels(storage, ORIGIN)).map((model) => model.label)).toEqual(["Whisper base"]);
  });
});

describe("attemptStored", () => {
  const attempt = { model: "whisper-tiny", device: "wasm", dtype: { encoder: "q8", decoder: "q8" } } as const;
  const source = { kind: "self-hosted", baseUrl: "/models/" } as const;

  it("is true only when every file the attempt loads is in the model cache", async () => {
    const storage = new MemoryCacheStorage();
    const cache = await storage.open(MODEL_CACHE_NAME);
    const files = ["config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "onnx/encoder_model_quantized.onnx"];
    for (const file of files) await cache.put(modelFileUrl(source, "whisper-tiny", file, ORIGIN), new Response("x"));
    expect(await attemptStored(storage, attempt, source, ORIGIN)).toBe(false);
    await cache.put(modelFileUrl(source, "whisper-tiny", "onnx/decoder_model_merged_quantized.onnx", ORIGIN), new Response("x"));
    expect(await attemptStored(storage, attempt, source, ORIGIN)).toBe(true);
    expect(await attemptStored(storage, { ...attempt, model: "whisper-base" }, source, ORIGIN)).toBe(false);
  });

  it("is false when the cache cannot be opened", async () => {
    const storage = { open: () => Promise.reject(new Error("SecurityError")), has: () => Promise.resolve(false) };
    expect(await attemptStored(storage, attempt, source, ORIGIN)).toBe(false);
  });
});

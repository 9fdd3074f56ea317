import { describe, expect, test } from "vitest";
import { DTYPES } from "@/lib/model/catalog";
import { hasFiles, installedModels, isInstalled, manifestFromListing } from "@/lib/model/model-manifest";

const CONFIG = ["config.json", "tokenizer.json", "generation_config.json"];

function folder(model: string, onnx: readonly string[], config: readonly string[] = CONFIG): string[] {
  return [...config.map((file) => `${model}/${file}`), ...onnx.map((file) => `${model}/onnx/${file}`)];
}

describe("manifestFromListing", () => {
  test("reads every dtype suffix transformers.js uses", () => {
    const manifest = manifestFromListing(
      folder("whisper-base", [
        "encoder_model.onnx",
        "encoder_model_fp16.onnx",
        "encoder_model_quantized.onnx",
        "encoder_model_q4.onnx",
        "encoder_model_q4f16.onnx",
        "decoder_model_merged_quantized.onnx",
        "decoder_model_merged_q4f16.onnx",
      ]),
    );
    expect(manifest).toEqual({ "whisper-base": { encoder: ["fp32", "fp16", "q8", "q4", "q4f16"], decoder: ["q8", "q4f16"] } });
  });

  test("only base: tiny is absent", () => {
    const manifest = manifestFromListing(folder("whisper-base", ["encoder_model_quantized.onnx", "decoder_model_merged_quantized.onnx"]));
    expect(installedModels(manifest)).toEqual(["whisper-base"]);
    expect(isInstalled(manifest, { model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm })).toBe(false);
    expect(isInstalled(manifest, { model: "whisper-base", device: "wasm", dtype: DTYPES.wasm })).toBe(true);
    expect(isInstalled(manifest, { model: "whisper-base", device: "webgpu", dtype: DTYPES.webgpu })).toBe(false);
  });

  test("a model without config or tokenizer, or without a decoder, is not usable", () => {
    const onnx = ["encoder_model_quantized.onnx", "decoder_model_merged_quantized.onnx"];
    expect(manifestFromListing(folder("whisper-tiny", onnx, ["tokenizer.json"]))).toEqual({});
    expect(manifestFromListing(folder("whisper-tiny", onnx, ["config.json"]))).toEqual({});
    expect(manifestFromListing(folder("whisper-tiny", ["encoder_model_quantized.onnx"]))).toEqual({});
    expect(manifestFromListing([])).toEqual({});
  });

  test("ignores unknown models, decoders that are not merged and other files", () => {
    const listing = [
      ...folder("whisper-small", ["encoder_model.onnx", "decoder_model_merged.onnx"]),
      ...folder("whisper-tiny", ["encoder_model_quantized.onnx", "decoder_model_quantized.onnx", "decoder_model_merged_quantized.onnx", "encoder_model_bnb4.onnx"]),
    ];
    expect(manifestFromListing(listing)).toEqual({ "whisper-tiny": { encoder: ["q8"], decoder: ["q8"] } });
  });
});

describe("hasFiles and installedModels", () => {
  test("with the Hub (null) everything may be fetched", () => {
    expect(hasFiles(null, "whisper-base", DTYPES["webgpu-f16"])).toBe(true);
    expect(installedModels(null)).toEqual(["whisper-tiny", "whisper-base"]);
  });

  test("encoder and decoder formats are checked separately", () => {
    const manifest = { "whisper-tiny": { encoder: ["fp32" as const], decoder: ["q4" as const] } };
    expect(hasFiles(manifest, "whisper-tiny", DTYPES.webgpu)).toBe(true);
    expect(hasFiles(manifest, "whisper-tiny", { encoder: "fp32", decoder: "fp32" })).toBe(false);
  });
});

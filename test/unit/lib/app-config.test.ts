import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientConfig, ConfigError, parseAppConfig } from "@/lib/app-config";

describe("parseAppConfig", () => {
  it("defaults to the Hugging Face Hub and relay port 3001", () => {
    const config = parseAppConfig({});
    expect(config.modelsDir).toBeNull();
    expect(config.client).toEqual({ modelSource: { kind: "hub" }, relayUrl: null, relayPort: 3001 });
  });

  it("serves a self-hosted model folder under /models/", () => {
    const dir = mkdtempSync(join(tmpdir(), "models-"));
    const config = parseAppConfig({ WHISPER_MODELS_DIR: dir, RELAY_PORT: "4001", RELAY_PUBLIC_URL: "https://relay.example.org/" });
    expect(config.modelsDir).toBe(dir);
    expect(config.client).toEqual({ modelSource: { kind: "self-hosted", baseUrl: "/models/" }, relayUrl: "https://relay.example.org", relayPort: 4001 });
  });

  it("points the browser at a Hub mirror with HF_ENDPOINT, unless models are self-hosted", () => {
    expect(parseAppConfig({ HF_ENDPOINT: "https://hf-mirror.example.org/" }).client.modelSource).toEqual({ kind: "hub", endpoint: "https://hf-mirror.example.org" });
    expect(parseAppConfig({ HF_ENDPOINT: "http://127.0.0.1:8080" }).client.modelSource).toEqual({ kind: "hub", endpoint: "http://127.0.0.1:8080" });
    expect(parseAppConfig({ HF_ENDPOINT: "" }).client.modelSource).toEqual({ kind: "hub" });
    const dir = mkdtempSync(join(tmpdir(), "models-"));
    expect(parseAppConfig({ HF_ENDPOINT: "https://hf-mirror.example.org", WHISPER_MODELS_DIR: dir }).client.modelSource).toEqual({ kind: "self-hosted", baseUrl: "/models/" });
  });

  it("names the variable that is wrong", () => {
    expect(() => parseAppConfig({ HF_ENDPOINT: "hf-mirror.example.org" })).toThrow(/HF_ENDPOINT/);
    expect(() => parseAppConfig({ HF_ENDPOINT: "ftp://hf-mirror.example.org" })).toThrow(ConfigError);
    expect(() => parseAppConfig({ WHISPER_MODELS_DIR: "/no/such/folder" })).toThrow(/WHISPER_MODELS_DIR.*not a folder/);
    expect(() => parseAppConfig({ RELAY_PORT: "http" })).toThrow(ConfigError);
    expect(() => parseAppConfig({ RELAY_PORT: "70000" })).toThrow(/RELAY_PORT/);
    expect(() => parseAppConfig({ RELAY_PUBLIC_URL: "relay:3001" })).toThrow(/RELAY_PUBLIC_URL/);
  });
});

describe("clientConfig", () => {
  it("has no manifest with the Hub", async () => {
    expect((await clientConfig(parseAppConfig({}))).installed).toBeNull();
  });

  it("reads what the self-hosted folder holds at call time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "models-"));
    const config = parseAppConfig({ WHISPER_MODELS_DIR: dir });
    expect(await clientConfig(config)).toEqual({ ...config.client, installed: {} });
    mkdirSync(join(dir, "whisper-tiny", "onnx"), { recursive: true });
    for (const file of ["config.json", "tokenizer.json", "onnx/encoder_model_quantized.onnx", "onnx/decoder_model_merged_quantized.onnx"]) writeFileSync(join(dir, "whisper-tiny", file), "{}");
    expect((await clientConfig(config)).installed).toEqual({ "whisper-tiny": { encoder: ["q8"], decoder: ["q8"] } });
  });
});

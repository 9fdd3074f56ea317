import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findModelFile, isServableSegment, readModelManifest } from "@/lib/model/model-folder";

let base: string;
let dir: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "model-folder-"));
  dir = join(base, "models");
  mkdirSync(join(dir, "whisper-tiny", "onnx"), { recursive: true });
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "whisper-tiny", "config.json"), "{}");
  writeFileSync(join(dir, "whisper-tiny", "onnx", "encoder_model.onnx"), "onnx bytes");
  writeFileSync(join(dir, ".env"), "TELEGRAM_BOT_TOKEN=secret");
  writeFileSync(join(dir, ".git", "config.json"), "{}");
  writeFileSync(join(dir, "whisper-tiny", "notes.sh"), "echo hi");
  writeFileSync(join(base, "outside.json"), "{\"secret\":true}");
  symlinkSync(join(base, "outside.json"), join(dir, "whisper-tiny", "escape.json"));
  symlinkSync(base, join(dir, "whisper-tiny", "up"));
  symlinkSync(join(dir, "whisper-tiny", "config.json"), join(dir, "whisper-tiny", "alias.json"));
  mkdirSync(join(dir, "whisper-tiny", "folder.json"));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("findModelFile", () => {
  test("serves model files with their type and size", async () => {
    expect(await findModelFile(dir, ["whisper-tiny", "config.json"])).toMatchObject({ size: 2, contentType: "application/json; charset=utf-8" });
    expect(await findModelFile(dir, ["whisper-tiny", "onnx", "encoder_model.onnx"])).toMatchObject({ size: 10, contentType: "application/octet-stream" });
  });

  test("a symlink whose target stays inside the folder is served as its target", async () => {
    expect((await findModelFile(dir, ["whisper-tiny", "alias.json"]))?.path).toBe(await findModelFile(dir, ["whisper-tiny", "config.json"]).then((file) => file?.path));
  });

  test.each([
    [[".env"], "a dotfile"],
    [[".git", "config.json"], "a file in a dot folder"],
    [["whisper-tiny", "..", "..", "outside.json"], "a .. segment"],
    [["whisper-tiny", "escape.json"], "a symlink pointing outside"],
    [["whisper-tiny", "up", "outside.json"], "a symlinked folder pointing outside"],
    [["whisper-tiny", "notes.sh"], "a file type models do not have"],
    [["whisper-tiny", "folder.json"], "a folder"],
    [["whisper-tiny", "missing.json"], "a missing file"],
    [["whisper-tiny", "a/b.json"], "a segment with a separator"],
    [[], "no path"],
  ])("refuses %j (%s)", async (segments) => {
    expect(await findModelFile(dir, segments)).toBeNull();
  });

  test("segments", () => {
    expect(isServableSegment("config.json")).toBe(true);
    expect(isServableSegment(".")).toBe(false);
    expect(isServableSegment("")).toBe(false);
    expect(isServableSegment("a\0b")).toBe(false);
  });
});

describe("readModelManifest", () => {
  test("lists only what the route would serve, per model", async () => {
    const root = mkdtempSync(join(tmpdir(), "model-manifest-"));
    try {
      for (const model of ["whisper-tiny", "whisper-base"]) {
        mkdirSync(join(root, model, "onnx"), { recursive: true });
        writeFileSync(join(root, model, "config.json"), "{}");
        writeFileSync(join(root, model, "tokenizer.json"), "{}");
      }
      writeFileSync(join(root, "whisper-tiny", "onnx", "encoder_model_quantized.onnx"), "x");
      writeFileSync(join(root, "whisper-tiny", "onnx", "decoder_model_merged_quantized.onnx"), "x");
      writeFileSync(join(root, "whisper-base", "onnx", "encoder_model.onnx"), "x");
      // A decoder that points outside the folder is not served, so base has no usable pair.
      writeFileSync(join(base, "decoder.onnx"), "x");
      symlinkSync(join(base, "decoder.onnx"), join(root, "whisper-base", "onnx", "decoder_model_merged.onnx"));
      expect(await readModelManifest(root)).toEqual({ "whisper-tiny": { encoder: ["q8"], decoder: ["q8"] } });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("an empty or missing folder holds nothing", async () => {
    expect(await readModelManifest(join(base, "no-such-folder"))).toEqual({});
  });

  test("the fixture folder holds both models in fp32 and q8, and the WebGPU pairs fp32 + q4 and fp16 + q4f16", async () => {
    const both = { encoder: ["fp32", "fp16", "q8"], decoder: ["fp32", "q8", "q4", "q4f16"] };
    expect(await readModelManifest(join(process.cwd(), "test", "fixtures", "models"))).toEqual({ "whisper-tiny": both, "whisper-base": both });
  });
});

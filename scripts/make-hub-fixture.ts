// Makes test/fixtures/models-hub/whisper-tiny: the committed tiny fixture model with its merged
// decoders turned back into the Hub's (optimum's) unslimmed layout (scripts/unslim-decoder.ts, the
// inverse of lib/model/slim-decoder.ts). The other files are copied as they are.
// Deterministic; run again after the fixture models change:
//
//   npx tsx scripts/make-hub-fixture.ts
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unslimDecoder } from "./unslim-decoder";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FROM = join(ROOT, "test/fixtures/models/whisper-tiny");
const TO = join(ROOT, "test/fixtures/models-hub/whisper-tiny");

mkdirSync(join(TO, "onnx"), { recursive: true });
for (const file of readdirSync(FROM)) if (file.endsWith(".json")) copyFileSync(join(FROM, file), join(TO, file));
// The q4f16 decoder keeps float16 caches: it checks that slimming keeps their element type.
for (const file of ["decoder_model_merged.onnx", "decoder_model_merged_quantized.onnx", "decoder_model_merged_q4f16.onnx"]) {
  const result = unslimDecoder(new Uint8Array(readFileSync(join(FROM, "onnx", file))));
  writeFileSync(join(TO, "onnx", file), result.bytes);
  process.stdout.write(`${file}: ${result.restored} cross-attention outputs are pass-throughs again\n`);
}
for (const file of ["encoder_model.onnx", "encoder_model_quantized.onnx"]) copyFileSync(join(FROM, "onnx", file), join(TO, "onnx", file));

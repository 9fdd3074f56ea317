#!/usr/bin/env node
// Loads the generated fixture models with transformers.js (onnxruntime-node) the way the app
// loads a self-hosted model folder, and checks that each one transcribes quickly, returns
// visible text, ends every window, and handles timestamps, language detection and chunking.
//
//   node scripts/check-fixture-model.mjs [--models whisper-tiny,whisper-base]
//                                        [--dtypes q8,fp32,fp32+q4,fp16+q4f16]
//                                        [--root test/fixtures/models/] [--timeout-ms 30000]
//
// In Node transformers.js runs on onnxruntime-node ('cpu'); the browser's WASM backend is not
// available here, so the WASM path is for the browser tests. ENCODER+DECODER in --dtypes names the
// pairs the WebGPU device loads (fp32 encoder + q4 decoder, fp16 encoder + q4f16 decoder); here they
// run on the CPU, which checks the files, not the WebGPU kernels (test/e2e/webgpu.spec.ts does that).
//
// Exits non-zero when a check fails.
import { performance } from 'node:perf_hooks';
import { env, pipeline } from '@huggingface/transformers';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const root = args.root ?? 'test/fixtures/models/';
const models = (args.models ?? 'whisper-tiny,whisper-base').split(',');
const dtypes = (args.dtypes ?? 'q8,fp32,fp32+q4,fp16+q4f16').split(',');
// 'fp32+q4' -> transformers.js' per-file dtype object
const dtypeOption = (dtype) => {
  const [encoder, decoder] = dtype.split('+');
  return decoder === undefined ? dtype : { encoder_model: encoder, decoder_model_merged: decoder };
};
const device = 'cpu';
const CASE_TIMEOUT_MS = Number(args['timeout-ms'] ?? 30000);

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root.endsWith('/') ? root : `${root}/`;

const SR = 16000;
function sine(seconds, hz = 440) {
  const a = new Float32Array(seconds * SR);
  for (let i = 0; i < a.length; i++) a[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / SR);
  return a;
}
function noise(seconds, seed = 1) {
  // small deterministic LCG so runs are comparable
  let s = seed >>> 0;
  const a = new Float32Array(seconds * SR);
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = 0.2 * (s / 2 ** 32 - 0.5);
  }
  return a;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const cases = [
  { name: '5s sine, en', audio: () => sine(5), opts: { language: 'en', task: 'transcribe' } },
  { name: '5s sine, en, timestamps', audio: () => sine(5), opts: { language: 'en', task: 'transcribe', return_timestamps: true } },
  { name: '5s noise, language null', audio: () => noise(5), opts: { language: null, task: 'transcribe' } },
  { name: '40s noise, chunk 30', audio: () => noise(40), opts: { language: 'en', task: 'transcribe', chunk_length_s: 30 } },
  {
    name: '40s sine, chunk 30, timestamps',
    audio: () => sine(40, 300),
    opts: { language: 'en', task: 'transcribe', chunk_length_s: 30, return_timestamps: true },
  },
];

let failures = 0;
function check(ok, message) {
  if (!ok) {
    failures++;
    console.log(`    FAIL: ${message}`);
  }
}

for (const model of models) {
  for (const dtype of dtypes) {
    const t0 = performance.now();
    let asr;
    try {
      asr = await withTimeout(pipeline('automatic-speech-recognition', model, { dtype: dtypeOption(dtype), device }), CASE_TIMEOUT_MS, 'load');
    } catch (error) {
      failures++;
      console.log(`${model} ${dtype} ${device}: load FAILED: ${error.message}`);
      continue;
    }
    console.log(`${model} ${dtype} ${device}: loaded in ${(performance.now() - t0).toFixed(0)} ms`);
    for (const [index, c] of cases.entries()) {
      const audio = c.audio();
      const t1 = performance.now();
      let out;
      try {
        out = await withTimeout(asr(audio, c.opts), CASE_TIMEOUT_MS, c.name);
      } catch (error) {
        failures++;
        console.log(`  ${c.name}: FAILED: ${error.message}`);
        continue;
      }
      const ms = performance.now() - t1;
      const text = out.text ?? '';
      const ids = asr.tokenizer.encode(text, { add_special_tokens: false });
      const distinct = new Set(ids).size;
      console.log(`  ${c.name}: ${ms.toFixed(0)} ms, ${ids.length} tokens (${distinct} distinct): ${JSON.stringify(text.slice(0, 80))}`);
      check(text.trim().length > 0, 'empty text');
      check(distinct > 1, 'text is one repeated token');
      check(/^[\x20-\x7e]*$/.test(text), 'text has characters that do not print');
      if (index === 0) check(ms < 5000, `first transcript took ${ms.toFixed(0)} ms`);
      if (c.opts.return_timestamps) {
        const chunks = out.chunks ?? [];
        console.log(`    chunks: ${JSON.stringify(chunks.map((ch) => ch.timestamp))}`);
        check(chunks.length > 0, 'no timestamp chunks');
        check(
          chunks.every((ch) => typeof ch.timestamp[0] === 'number'),
          'a chunk without a start time',
        );
      }
      if (c.opts.chunk_length_s) {
        check(ids.length >= 20, `40 s gave only ${ids.length} tokens`);
      }
    }
    await asr.dispose();
  }
}

console.log(failures === 0 ? 'all fixture checks passed' : `${failures} fixture check(s) failed`);
process.exit(failures === 0 ? 0 : 1);

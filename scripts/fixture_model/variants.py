"""The files made from the fp32 export: slimmed decoders and quantized copies."""

from __future__ import annotations

import os
from pathlib import Path


def slim_decoders(model_dir: str) -> None:
    """scripts/slim-decoder.py: the with-past branch stops copying the cross-attention cache out."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("slim_decoder", str(Path(__file__).resolve().parents[1] / "slim-decoder.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in sorted(os.listdir(os.path.join(model_dir, "onnx"))):
        if name.startswith("decoder_model_merged"):
            print(f"  onnx/{name}: {module.slim(Path(model_dir) / 'onnx' / name)}")


def quantize_q8(src: str, dst: str):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(src, dst, weight_type=QuantType.QUInt8, extra_options={"EnableSubgraph": True})

"""The dynamic q8 `_quantized` versions of the encoder and the merged decoder."""
from __future__ import annotations

from pathlib import Path

from .common import log


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

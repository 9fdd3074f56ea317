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


def quantize_q4_encoder(onnx_dir: Path) -> None:
    """`encoder_model_q4.onnx`: every constant-weight MatMul of the fp32 encoder (fc2 included) as
    com.microsoft MatMulNBits, 4-bit, blocks of 32, symmetric: the fixture generator's WebGPU q4
    (scripts/fixture_model/webgpu_variants.py). Only for `npm run eval:accuracy -- --dtype
    q4-encoder`, which measured it against q8 (README, "Accuracy evaluation"); the app does not load it."""
    import onnx
    from fixture_model.webgpu_variants import quantize_q4

    model, count = quantize_q4(onnx.load(str(onnx_dir / "encoder_model.onnx")))
    log(f"encoder_model_q4: {count} MatMul nodes -> MatMulNBits (4-bit, block 32)")
    onnx.save(model, str(onnx_dir / "encoder_model_q4.onnx"))

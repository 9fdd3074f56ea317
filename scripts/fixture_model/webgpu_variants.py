"""The weight formats the WebGPU device loads, made from the fp32 files:

* `q4`: every MatMul with a constant 2-D weight becomes com.microsoft MatMulNBits (4-bit, blocks of
  32 along K, symmetric, no zero points), packed by ONNX Runtime's own kernel
  (`quantize_matmul_4bits`, the one its MatMulNBitsQuantizer calls). Everything else stays fp32, so
  the graph's inputs and outputs are unchanged.
* `fp16`: the whole graph in float16 (onnxruntime.transformers.float16), except `input_features`,
  which stays float32 because transformers.js feeds the feature extractor's float32 output as is.
  `last_hidden_state` comes out float16, which is what a q4f16 decoder takes.
* `q4f16`: the q4 graph converted to float16 in the same way (MatMulNBits scales included), with
  float16 `encoder_hidden_states`, caches and logits; only `input_ids` and `use_cache_branch` keep
  their types.

File names follow transformers.js 4.3 (`DEFAULT_DTYPE_SUFFIX_MAPPING` in src/utils/dtypes.js).
"""

from __future__ import annotations

import logging

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

Q4_BLOCK_SIZE = 32


def _graphs(graph: onnx.GraphProto):
    """The graph and every subgraph under it (If branches), outermost first."""
    yield graph
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from _graphs(attr.g)
            for g in attr.graphs:
                yield from _graphs(g)


def _pack_q4(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from onnxruntime.capi._pybind_state import quantize_matmul_4bits

    k, n = weight.shape
    k_blocks = (k + Q4_BLOCK_SIZE - 1) // Q4_BLOCK_SIZE
    padded = np.zeros((k_blocks * Q4_BLOCK_SIZE, n), np.float32)
    padded[:k] = weight
    packed = np.zeros((n, k_blocks, Q4_BLOCK_SIZE // 2), np.uint8)
    scales = np.zeros((n, k_blocks), np.float32)
    zero_points = np.zeros((n, (k_blocks + 1) // 2), np.uint8)
    quantize_matmul_4bits(packed, padded, scales, zero_points, Q4_BLOCK_SIZE, n, k, True)
    return packed, scales


def quantize_q4(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """A copy of `model` with its constant-weight MatMuls as MatMulNBits; returns it and their count."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    root = out.graph
    weights = {i.name: i for i in root.initializer}
    packed_names: dict[str, tuple[str, str]] = {}
    count = 0
    for graph in _graphs(root):
        local = {i.name: i for i in graph.initializer}
        nodes = []
        for node in graph.node:
            src = None
            if node.op_type == "MatMul" and len(node.input) == 2:
                src = local.get(node.input[1], weights.get(node.input[1]))
            if src is None or len(src.dims) != 2 or src.data_type != TensorProto.FLOAT:
                nodes.append(node)
                continue
            k, n = src.dims
            if src.name not in packed_names:
                packed, scales = _pack_q4(numpy_helper.to_array(src))
                q_name, s_name = f"{src.name}_Q4", f"{src.name}_scales"
                root.initializer.extend([numpy_helper.from_array(packed, q_name), numpy_helper.from_array(scales.reshape(-1), s_name)])
                packed_names[src.name] = (q_name, s_name)
            q_name, s_name = packed_names[src.name]
            nodes.append(
                helper.make_node(
                    "MatMulNBits",
                    [node.input[0], q_name, s_name],
                    list(node.output),
                    name=f"{node.name}_Q4",
                    domain="com.microsoft",
                    K=k,
                    N=n,
                    bits=4,
                    block_size=Q4_BLOCK_SIZE,
                )
            )
            count += 1
        del graph.node[:]
        graph.node.extend(nodes)
    used = {i for g in _graphs(root) for node in g.node for i in node.input}
    keep = [i for i in root.initializer if i.name in used]
    del root.initializer[:]
    root.initializer.extend(keep)
    if not any(o.domain == "com.microsoft" for o in out.opset_import):
        out.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return out, count


def _topological_sort(graph: onnx.GraphProto) -> None:
    """Reorders `graph`'s nodes (and its subgraphs') so each comes after what it reads; the fp16
    converter appends its input and output Casts at the end."""
    for g in _graphs(graph):
        produced_by = {o: k for k, node in enumerate(g.node) for o in node.output if o}
        order: list[int] = []
        state: dict[int, int] = {}

        def visit(k: int) -> None:
            if state.get(k) == 2:
                return
            assert state.get(k) != 1, "cycle in graph"
            state[k] = 1
            for name in g.node[k].input:
                if name in produced_by:
                    visit(produced_by[name])
            state[k] = 2
            order.append(k)

        for k in range(len(g.node)):
            visit(k)
        nodes = [g.node[k] for k in order]
        del g.node[:]
        g.node.extend(nodes)


def to_fp16(model: onnx.ModelProto, keep_float32: list[str]) -> onnx.ModelProto:
    """`model` in float16, except the graph inputs and outputs named in `keep_float32`."""
    from onnxruntime.transformers.float16 import convert_float_to_float16

    logging.getLogger("onnxruntime.transformers.float16").setLevel(logging.ERROR)
    # The encoder's computed positional table (onnx_export.compute_encoder_positions) stays float32:
    # Range has no float16 kernel; the converter casts its result.
    positions = [node.name for node in model.graph.node if node.name.startswith("/encoder_positions/")]
    converted = convert_float_to_float16(model, keep_io_types=keep_float32, node_block_list=positions)
    _topological_sort(converted.graph)
    converted.producer_name = model.producer_name
    return converted


def write_webgpu_variants(onnx_dir: str, pairs: list[tuple[str, str]]) -> None:
    """Writes the encoder and decoder files the (encoder, decoder) dtype `pairs` need beyond fp32/q8."""
    import os

    wanted = {dtype for pair in pairs for dtype in pair}
    enc_path = os.path.join(onnx_dir, "encoder_model.onnx")
    dec_path = os.path.join(onnx_dir, "decoder_model_merged.onnx")
    if any(enc == "fp16" for enc, _ in pairs):
        enc16 = to_fp16(onnx.load(enc_path), keep_float32=["input_features"])
        onnx.checker.check_model(enc16, full_check=True)
        onnx.save(enc16, os.path.join(onnx_dir, "encoder_model_fp16.onnx"))
    if wanted & {"q4", "q4f16"}:
        q4, count = quantize_q4(onnx.load(dec_path))
        print(f"  q4: {count} MatMul nodes -> MatMulNBits (block {Q4_BLOCK_SIZE})")
        onnx.checker.check_model(q4)
        if any(dec == "q4" for _, dec in pairs):
            onnx.save(q4, os.path.join(onnx_dir, "decoder_model_merged_q4.onnx"))
        if any(dec == "q4f16" for _, dec in pairs):
            q4f16 = to_fp16(q4, keep_float32=[])
            onnx.checker.check_model(q4f16)
            onnx.save(q4f16, os.path.join(onnx_dir, "decoder_model_merged_q4f16.onnx"))

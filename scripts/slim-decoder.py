#!/usr/bin/env python3
"""Stops a merged Whisper decoder from copying the cross-attention cache out at every step.

A transformers.js Whisper folder has `onnx/decoder_model_merged*.onnx`: one `If(use_cache_branch)`
whose first-step branch computes the cross-attention keys and values from the encoder output, and
whose with-past branch hands the ones it was given straight back (`Identity`) as
`present.N.encoder.key/value`. transformers.js never reads those after the first step (it keeps the
first step's), but ONNX Runtime still copies them inside the graph and out to JavaScript at every
token: 4 layers × 2 × 1500 × 384 floats (18 MB) per token for tiny, 37 MB for base. Measured with the
benchmark's tiny model on onnxruntime-node, 30 s of audio: CPU time 9.5 s → 3.9 s, peak RSS −55 MB,
same transcript (see README, Benchmark).

This rewrites the with-past branch to return empty tensors ([1, heads, 0, head_dim]) for those
outputs. Transcripts do not change; anything that feeds `present.*` back as `past_key_values.*`
must keep the first step's cross-attention entries, as transformers.js does (and as
scripts/reference-transcribe.py and scripts/prepare-real-model.py do). Idempotent.

    python3 scripts/slim-decoder.py .cache/models/whisper-base [more model folders…]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

try:
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper
except ImportError:
    for venv in (ROOT / ".cache" / "venv-real", ROOT / ".cache" / "venv"):
        python = venv / "bin" / "python"
        if python.exists() and Path(sys.prefix).resolve() != venv.resolve() and not os.environ.get("SLIM_NO_VENV"):
            os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])
    raise SystemExit("needs numpy and onnx: pip install numpy onnx (or run scripts/prepare-real-model.py once)")


def dim_value(value_info, index: int) -> int | None:
    dims = value_info.type.tensor_type.shape.dim
    return dims[index].dim_value if index < len(dims) and dims[index].HasField("dim_value") else None


def slim(path: Path) -> str:
    """Rewrites one merged decoder file in place; returns what it did."""
    model = onnx.load(str(path))
    ifs = [node for node in model.graph.node if node.op_type == "If"]
    if len(ifs) != 1:
        return "skipped: not a merged decoder (no single If node)"
    outer_inputs = {value.name: value for value in model.graph.input}
    branches = {attribute.name: attribute.g for attribute in ifs[0].attribute}
    with_past = branches.get("then_branch")
    if with_past is None:
        return "skipped: the If node has no then_branch"
    producer = {output: node for node in with_past.node for output in node.output}
    changed = already = 0
    for position, output in enumerate(with_past.output):
        outer_name = ifs[0].output[position] if position < len(ifs[0].output) else ""
        if ".encoder." not in outer_name:
            continue
        node = producer.get(output.name)
        if node is not None and node.op_type == "Constant":
            already += 1
            continue
        past = outer_name.replace("present", "past_key_values")
        if node is None or node.op_type != "Identity" or list(node.input) != [past] or past not in outer_inputs:
            return f"skipped: {outer_name} is not a pass-through of {past} in the with-past branch"
        heads, head_dim = dim_value(outer_inputs[past], 1), dim_value(outer_inputs[past], 3)
        if heads is None or head_dim is None:
            return f"skipped: {past} has no fixed heads/head size"
        # The cache's own element type: float32, or float16 in fp16 / q4f16 decoders.
        elem = outer_inputs[past].type.tensor_type.elem_type or onnx.TensorProto.FLOAT
        empty = numpy_helper.from_array(np.zeros((1, heads, 0, head_dim), dtype=helper.tensor_dtype_to_np_dtype(elem)), name=f"{output.name}/empty")
        with_past.node.remove(node)
        with_past.node.append(helper.make_node("Constant", [], [output.name], value=empty, name=f"{output.name}/empty"))
        changed += 1
    if changed == 0:
        return f"already slim ({already} cross-attention outputs empty)" if already else "skipped: no cross-attention outputs found"
    onnx.checker.check_model(model)
    tmp = path.with_name(path.name + ".slim-tmp")
    onnx.save(model, str(tmp))
    tmp.replace(path)
    return f"slimmed: {changed} cross-attention outputs of the with-past branch are now empty"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    status = 0
    for folder in map(Path, argv):
        files = sorted((folder / "onnx").glob("decoder_model_merged*.onnx"))
        if not files:
            print(f"{folder}: no onnx/decoder_model_merged*.onnx", file=sys.stderr)
            status = 1
        for path in files:
            print(f"{path}: {slim(path)}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

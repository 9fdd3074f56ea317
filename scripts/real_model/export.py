"""The ONNX export: the encoder, the decoder's first step and its with-past step (opset 17,
TorchScript exporter), merged into one `If(use_cache_branch)` decoder over shared weights."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from .common import log


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

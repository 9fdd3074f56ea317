"""The merged decoder: one If(use_cache_branch) over the no-past and with-past exports, as optimum makes it."""

from __future__ import annotations

import hashlib

import onnx
from onnx import helper, numpy_helper


def tensor_key(t: onnx.TensorProto):
    arr = numpy_helper.to_array(t)
    return (t.data_type, tuple(t.dims), hashlib.sha256(arr.tobytes()).hexdigest())


def merge_decoders(no_past: onnx.ModelProto, with_past: onnx.ModelProto, outer_inputs, outer_outputs) -> onnx.ModelProto:
    """One model whose single If(use_cache_branch) node runs `with_past` (then) or `no_past`
    (else); initializers with equal contents are stored once, in the outer graph."""
    shared: dict = {}
    initializers = []
    used_names = set()

    def branch(model: onnx.ModelProto, tag: str):
        g = model.graph
        rename = {}
        for init in g.initializer:
            key = tensor_key(init)
            if key not in shared:
                name = init.name if init.name not in used_names else f"{tag}/{init.name}"
                used_names.add(name)
                new = onnx.TensorProto()
                new.CopyFrom(init)
                new.name = name
                initializers.append(new)
                shared[key] = name
            rename[init.name] = shared[key]
        outer = {i.name for i in g.input}
        for node in g.node:
            for o in node.output:
                if o and o not in rename:
                    rename[o] = f"{tag}/{o}"
        nodes = []
        for node in g.node:
            new = onnx.NodeProto()
            new.CopyFrom(node)
            new.name = f"{tag}/{node.name}"
            del new.input[:]
            new.input.extend(rename.get(i, i) if i else i for i in node.input)
            del new.output[:]
            new.output.extend(rename.get(o, o) if o else o for o in node.output)
            nodes.append(new)
        outputs = []
        for out in g.output:
            src = rename.get(out.name, out.name)
            produced = any(src in n.output for n in nodes)
            if not produced or src in outer:
                dst = f"{tag}/out/{out.name}"
                nodes.append(helper.make_node("Identity", [src], [dst], name=f"{tag}/identity/{out.name}"))
                src = dst
            vi = onnx.ValueInfoProto()
            vi.CopyFrom(out)
            vi.name = src
            outputs.append(vi)
        # branch outputs in the order of the outer outputs, matched by their exported names
        ordered = []
        for o in outer_outputs:
            match = [vi for vi, out in zip(outputs, g.output) if out.name == o.name]
            assert match, f"{tag} lacks output {o.name}"
            ordered.append(match[0])
        return helper.make_graph(nodes, f"{tag}_branch", [], ordered)

    then_graph = branch(with_past, "with_past")
    else_graph = branch(no_past, "no_past")
    if_node = helper.make_node(
        "If",
        ["use_cache_branch"],
        [o.name for o in outer_outputs],
        name="optimum::if",
        then_branch=then_graph,
        else_branch=else_graph,
    )
    graph = helper.make_graph([if_node], "decoder_model_merged", outer_inputs, outer_outputs, initializer=initializers)
    model = helper.make_model(graph, opset_imports=list(no_past.opset_import), producer_name="make-fixture-model")
    model.ir_version = no_past.ir_version
    return model


def value_info(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)

"""ONNX export of the encoder and of the two decoders that `merge.merge_decoders` joins."""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import warnings

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from .constants import MAX_SOURCE_POSITIONS, N_FRAMES, N_MELS
from .merge import merge_decoders, value_info
from .whisper import DecoderNoPastExport, DecoderWithPastExport, EncoderExport, Whisper, kv_names, sinusoids


def export(module, args_, path, input_names, output_names, dynamic_axes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            args_,
            path,
            dynamo=False,
            opset_version=17,
            input_names=input_names,
            output_names=output_names,
            dynamic_axes=dynamic_axes,
            do_constant_folding=True,
        )


def clean_name(name: str) -> str:
    """'m.hf.model.encoder...' (the export wrapper's path) -> 'model.encoder...'."""
    return name[len("m.hf.") :] if name.startswith("m.hf.") else name


def rename_initializers(model: onnx.ModelProto) -> None:
    g = model.graph
    rename = {i.name: clean_name(i.name) for i in g.initializer}
    for i in g.initializer:
        i.name = rename[i.name]
    for node in g.node:
        for k, name in enumerate(node.input):
            if name in rename:
                node.input[k] = rename[name]


def compute_encoder_positions(model: onnx.ModelProto, d_model: int) -> None:
    """Replace the stored sinusoidal table of the encoder (1500 x d_model floats, most of the
    encoder's file at fixture sizes) by the few nodes that compute it, as Whisper defines it."""
    g = model.graph
    name = "model.encoder.embed_positions.weight"
    table = [i for i in g.initializer if i.name == name]
    assert len(table) == 1, "encoder positional table not found"
    expected = sinusoids(MAX_SOURCE_POSITIONS, d_model).numpy()
    assert np.array_equal(numpy_helper.to_array(table[0]), expected)
    g.initializer.remove(table[0])
    half = d_model // 2
    inv = torch.exp(-(math.log(10000) / (half - 1)) * torch.arange(half)).view(1, -1).numpy().astype(np.float32)
    p = "/encoder_positions"
    nodes = [
        helper.make_node("Constant", [], [f"{p}/start"], value=numpy_helper.from_array(np.array(0, np.float32))),
        helper.make_node("Constant", [], [f"{p}/limit"], value=numpy_helper.from_array(np.array(MAX_SOURCE_POSITIONS, np.float32))),
        helper.make_node("Constant", [], [f"{p}/delta"], value=numpy_helper.from_array(np.array(1, np.float32))),
        helper.make_node("Constant", [], [f"{p}/axes"], value=numpy_helper.from_array(np.array([1], np.int64))),
        helper.make_node("Constant", [], [f"{p}/inv_timescales"], value=numpy_helper.from_array(inv)),
        helper.make_node("Range", [f"{p}/start", f"{p}/limit", f"{p}/delta"], [f"{p}/time"]),
        helper.make_node("Unsqueeze", [f"{p}/time", f"{p}/axes"], [f"{p}/time_column"]),
        helper.make_node("Mul", [f"{p}/time_column", f"{p}/inv_timescales"], [f"{p}/scaled_time"]),
        helper.make_node("Sin", [f"{p}/scaled_time"], [f"{p}/sin"]),
        helper.make_node("Cos", [f"{p}/scaled_time"], [f"{p}/cos"]),
        helper.make_node("Concat", [f"{p}/sin", f"{p}/cos"], [name], axis=1),
    ]
    for k, node in enumerate(nodes):
        node.name = f"{p}/{node.op_type}_{k}"
        g.node.insert(k, node)


def export_all(model: Whisper, args, out_onnx: str, vocab_size: int):
    L, H, hd, d = args.decoder_layers, args.heads, args.d_model // args.heads, args.d_model
    tmp = tempfile.mkdtemp(prefix="fixture-export-")
    try:
        enc_path = os.path.join(out_onnx, "encoder_model.onnx")
        export(
            EncoderExport(model),
            (torch.zeros(1, N_MELS, N_FRAMES),),
            enc_path,
            ["input_features"],
            ["last_hidden_state"],
            {"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}},
        )
        enc = onnx.load(enc_path)
        rename_initializers(enc)
        compute_encoder_positions(enc, d)
        enc.producer_name = "make-fixture-model"
        onnx.checker.check_model(enc, full_check=True)
        onnx.save(enc, enc_path)

        present = kv_names(L, "present")
        past = kv_names(L, "past_key_values")
        ids = torch.tensor([[1, 2, 3, 4]])
        ehs = torch.zeros(1, MAX_SOURCE_POSITIONS, d)
        axes = {
            "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
            "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
            "logits": {0: "batch_size", 1: "decoder_sequence_length"},
        }
        for name in present:
            axes[name] = {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in name else "past_decoder_sequence_length + 1"}
        p_nopast = os.path.join(tmp, "decoder_model.onnx")
        export(DecoderNoPastExport(model), (ids, ehs), p_nopast, ["input_ids", "encoder_hidden_states"], ["logits", *present], axes)

        axes_wp = {"input_ids": axes["input_ids"], "logits": axes["logits"]}
        past_t = []
        for name in past:
            seq = 4 if ".decoder." in name else MAX_SOURCE_POSITIONS
            past_t.append(torch.zeros(1, H, seq, hd))
            axes_wp[name] = {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in name else "past_decoder_sequence_length"}
        for name in present:
            axes_wp[name] = {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in name else "past_decoder_sequence_length + 1"}
        p_wpast = os.path.join(tmp, "decoder_with_past_model.onnx")
        export(DecoderWithPastExport(model), (ids[:, :1], *past_t), p_wpast, ["input_ids", *past], ["logits", *present], axes_wp)

        f = TensorProto.FLOAT
        outer_inputs = [
            value_info("input_ids", TensorProto.INT64, ["batch_size", "decoder_sequence_length"]),
            value_info("encoder_hidden_states", f, ["batch_size", "encoder_sequence_length", d]),
        ]
        for name in past:
            outer_inputs.append(
                value_info(name, f, ["batch_size", H, "encoder_sequence_length_out" if ".encoder." in name else "past_decoder_sequence_length", hd])
            )
        outer_inputs.append(value_info("use_cache_branch", TensorProto.BOOL, [1]))
        outer_outputs = [value_info("logits", f, ["batch_size", "decoder_sequence_length", vocab_size])]
        for name in present:
            outer_outputs.append(
                value_info(name, f, ["batch_size", H, "encoder_sequence_length_out" if ".encoder." in name else "past_decoder_sequence_length + 1", hd])
            )
        no_past, with_past = onnx.load(p_nopast), onnx.load(p_wpast)
        rename_initializers(no_past)
        rename_initializers(with_past)
        merged = merge_decoders(no_past, with_past, outer_inputs, outer_outputs)
        onnx.checker.check_model(merged, full_check=True)
        onnx.save(merged, os.path.join(out_onnx, "decoder_model_merged.onnx"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

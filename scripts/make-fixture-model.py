#!/usr/bin/env python3
"""Generate a small Whisper-architecture model with random weights, laid out the way
transformers.js v4 loads a model folder:

    <out>/config.json, generation_config.json, preprocessor_config.json,
          tokenizer.json, tokenizer_config.json,
          onnx/encoder_model{suffix}.onnx, onnx/decoder_model_merged{suffix}.onnx

Nothing is downloaded: the config, the tokenizer (a byte-level BPE learned from the text
embedded below, padded with synthetic merges when a large vocabulary is asked for) and the
weights are all built here from a fixed seed, so the same command gives the same files.

The weights are random, but a few of them are "planted" so that greedy decoding behaves like
a real Whisper instead of looping forever:

* Five dimensions of the decoder's residual stream are reserved. The decoder's layers never
  write to them (their output projections have zero rows there) and the token embeddings are
  zero there, so only the learned positional embedding sets them. It raises a START signal
  for the prompt positions, a CLOSE signal at one position and an EOS signal after it.
* The final layer norm turns one reserved dimension into a constant, so the matching column
  of the (untied) output projection is a per-token logit bias: special tokens, language
  tokens and bytes that do not print are pushed far down, timestamps and <|endoftext|> are
  kept below words.
* At the CLOSE position <|endoftext|> and every timestamp are raised by the same amount, with
  <|endoftext|> 3.6 above each timestamp. Without timestamps greedy search then picks
  <|endoftext|>; with timestamps the 1501 timestamps together (log 1501 = 7.3) outweigh it,
  so transformers.js' WhisperTimeStampLogitsProcessor forces a closing timestamp, and the
  EOS signal on the next position ends the segment: `<|0.00|> words ... <|t|><|endoftext|>`.
* The CLOSE position is `--tokens-per-window` tokens after the prompt, so that is how many
  text tokens each 30 s window yields.

Everything else (encoder, attention, the choice of words) is random, and the words depend on
the audio through cross-attention.

Usage:
    python scripts/make-fixture-model.py --preset fixture-tiny --out test/fixtures/models/whisper-tiny
    python scripts/make-fixture-model.py --out DIR --d-model 64 --encoder-layers 2 \\
        --decoder-layers 2 --heads 4 --vocab-merges 300 --seed 0 --tokens-per-window 20 \\
        --dtypes fp32,q8

Requirements: scripts/requirements-fixture.txt (CPU torch, transformers, onnx, onnxruntime).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path
import time
import warnings

import numpy as np
import onnx
import regex
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

# ---------------------------------------------------------------------------------------------
# Constants of the Whisper format
# ---------------------------------------------------------------------------------------------

LANGUAGES = (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no "
    "th ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw "
    "gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl "
    "mg as tt haw ln ha ba jw su"
).split()
# whisper-tiny/base have these 99 (vocabulary 51865); large-v3 added "yue" (51866).
assert len(LANGUAGES) == 99

N_MELS = 80
N_FRAMES = 3000
MAX_SOURCE_POSITIONS = 1500
MAX_TARGET_POSITIONS = 448
N_TIMESTAMPS = 1501  # <|0.00|> ... <|30.00|>
N_BYTE_TOKENS = 256
# <|endoftext|>, <|startoftranscript|>, 99 languages, 6 task/control tokens, 1501 timestamps
N_ADDED_TOKENS = 2 + len(LANGUAGES) + 6 + N_TIMESTAMPS  # 1608

PRESETS = {
    # Fixtures are committed: their feed-forward layers are 2x d_model (Whisper's are 4x) to
    # keep all of them together under 8 MB.
    "fixture-tiny": dict(d_model=64, encoder_layers=2, decoder_layers=2, heads=4, ffn_dim=128, vocab_merges=300),
    "fixture-base": dict(d_model=80, encoder_layers=3, decoder_layers=3, heads=4, ffn_dim=160, vocab_merges=300),
    "real-tiny": dict(d_model=384, encoder_layers=4, decoder_layers=4, heads=6, vocab_size=51865),
    "real-base": dict(d_model=512, encoder_layers=6, decoder_layers=6, heads=8, vocab_size=51865),
}

DTYPE_SUFFIX = {"fp32": "", "q8": "_quantized"}

# Reserved dimensions of the decoder's residual stream (see the module doc string).
R_CONST = 0  # final layer norm: weight 0, bias B -> constant feature, i.e. a logit bias
R_START = (1, 2)  # +S/-S on the prompt positions
R_CLOSE = (3, 4)  # +S/-S on the closing position
R_EOS = (5, 6)  # +S/-S on every position after it
N_RESERVED = 7

# Target logits (natural-log units). The random part of a word's logit has std RANDOM_LOGIT_STD.
RANDOM_LOGIT_STD = 2.0
BIAS_WORD = 0.0
BIAS_SPACED_WORD = 3.0  # words that start with a space read better
BIAS_BAD_TEXT = -14.0  # bytes that do not print, punctuation-only pieces, ...
BIAS_SPECIAL = -16.0  # <|startoftranscript|>, languages, tasks, ...
BIAS_EOS = -5.0
EOS_OVER_TIMESTAMP = 3.6  # must lie between 0 and log(1501) = 7.31 with margin on both sides
BIAS_TIMESTAMP = BIAS_EOS - EOS_OVER_TIMESTAMP
BOOST_FIRST_TIMESTAMP = 4.0  # <|0.00|> on the prompt positions: segments start at 0.00
BOOST_CLOSE = 20.0
BOOST_EOS = 30.0
CONST_FEATURE = 6.0
# Random-init scales of the decoder (found by trying: stronger cross-attention makes the words
# depend more on the audio but, being much the same at every position, repetitive).
CROSS_OUT_STD = 1.0
CROSS_QK_STD = 3.0
POS_STD = 1.0
SELF_REPEAT_COSINE = 0.5  # cosine between a token's output row and its own input embedding is -this

# Some public-domain-style English to learn merges from (written for this file).
CORPUS = """
The morning was cold and the river ran fast under the old stone bridge. A small boat moved
slowly along the bank, and the man in it looked up at the sky as if he expected rain. Nobody
on the bridge paid him any attention. They were going to work, to the market, to the station,
and each of them carried something: a bag of bread, a box of tools, a letter that had to be
posted before noon.
In the kitchen the kettle began to sing. She poured the water over the leaves, waited for the
colour to change, and then carried the cup to the window. From there she could see the whole
street, the bakery on the corner, the children walking to school with their heavy coats and
bright hats, the postman who always stopped to talk to the dog at number seven.
We should meet on Thursday to talk about the plan. I think the first part is ready, but the
second part still needs some work, and I would like to hear what you think before we send it
to the others. If Thursday is not good for you, tell me another day and I will change my
notes. Please bring the drawings and the numbers from last week.
The weather will stay dry in the north for most of the day, with some sunshine in the
afternoon. In the south there will be clouds and a few showers, and the wind will be strong
near the coast. Tonight it will be colder than last night, so remember to cover the plants in
the garden and to close the windows before you go to bed.
He told the story again, slower this time, so that everyone could follow. There had been a
light in the forest, he said, and a sound like music, and when he walked towards it the light
moved away from him, always a little further, until he was lost and the night was very dark.
In the end he found the road by following the water down the hill.
Thank you for the message. I have read it twice and I understand what you mean. The meeting
can start at ten, and we can finish before lunch if everyone is on time. I will ask the office
to prepare the room and to order coffee. Let me know if there is anything else that you need.
Learning a language takes time. You listen, you repeat, you make mistakes and you try again.
Every word that you learn makes the next one easier, and one day you notice that you have
understood a whole conversation without thinking about it. That is the moment when the work
starts to feel like play.
"""

# ---------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------

GPT2_PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte to printable-character table, in GPT-2's order (so id 220 is 'Ġ', a space)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def learn_merges(text: str, n_merges: int, byte_enc: dict[int, str]) -> list[tuple[str, str]]:
    """Plain BPE over the pre-tokenized words of `text`; ties broken by the pair itself."""
    words = collections.Counter("".join(byte_enc[b] for b in w.encode("utf-8")) for w in GPT2_PATTERN.findall(text))
    seqs = {w: list(w) for w in words}
    merges: list[tuple[str, str]] = []
    while len(merges) < n_merges:
        pairs: collections.Counter[tuple[str, str]] = collections.Counter()
        for w, seq in seqs.items():
            for a, b in zip(seq, seq[1:]):
                pairs[(a, b)] += words[w]
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        for w, seq in seqs.items():
            out, i = [], 0
            while i < len(seq):
                if i + 1 < len(seq) and seq[i] == best[0] and seq[i + 1] == best[1]:
                    out.append(seq[i] + seq[i + 1])
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            seqs[w] = out
    return merges


def build_tokenizer(n_merges: int, seed: int):
    """Returns (tokens by id, merges, ids of named specials, tokenizer.json dict)."""
    byte_enc = bytes_to_unicode()
    tokens = list(byte_enc.values())  # GPT-2's order: id 220 is 'Ġ' (a space)
    vocab = set(tokens)
    merges = []
    for a, b in learn_merges(CORPUS, n_merges, byte_enc):
        if a + b not in vocab:
            merges.append((a, b))
            tokens.append(a + b)
            vocab.add(a + b)
    # Synthetic merges to reach a large vocabulary: join two existing letter pieces.
    # Mostly word starts (with the space), so that text made of them has spaces in it.
    rng = np.random.default_rng(seed + 7)
    heads = [t for t in tokens if regex.fullmatch(r"Ġ[a-z]+", t)]
    tails = [t for t in tokens if regex.fullmatch(r"[a-z]+", t)]
    while len(merges) < n_merges:
        pool = heads if rng.random() < 0.75 else tails
        a = pool[int(rng.integers(len(pool)))]
        b = tails[int(rng.integers(len(tails)))]
        if a + b in vocab or len(a + b) > 9:
            continue
        merges.append((a, b))
        tokens.append(a + b)
        vocab.add(a + b)
        (heads if a.startswith("Ġ") else tails).append(a + b)

    n_regular = len(tokens)
    added = ["<|endoftext|>", "<|startoftranscript|>"]
    added += [f"<|{lang}|>" for lang in LANGUAGES]
    added += ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]
    n_special = len(added)
    added += [f"<|{i * 0.02:.2f}|>" for i in range(N_TIMESTAMPS)]
    assert len(added) == N_ADDED_TOKENS
    ids = {name: n_regular + i for i, name in enumerate(added)}

    added_tokens = [
        {
            "id": n_regular + i,
            "content": name,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": i < n_special,  # as in openai/whisper-*: timestamps are not "special"
        }
        for i, name in enumerate(added)
    ]
    sot, nots, eot = ids["<|startoftranscript|>"], ids["<|notimestamps|>"], ids["<|endoftext|>"]

    def special(name):
        return {"id": name, "ids": [ids[name]], "tokens": [name]}

    tokenizer_json = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added_tokens,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<|startoftranscript|>", "type_id": 0}},
                {"SpecialToken": {"id": "<|notimestamps|>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<|startoftranscript|>", "type_id": 0}},
                {"SpecialToken": {"id": "<|notimestamps|>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": "<|endoftext|>", "type_id": 1}},
            ],
            "special_tokens": {n: special(n) for n in ("<|startoftranscript|>", "<|notimestamps|>", "<|endoftext|>")},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {t: i for i, t in enumerate(tokens)},
            "merges": [[a, b] for a, b in merges],
        },
    }
    del sot, nots, eot
    return tokens, merges, ids, tokenizer_json, added


def token_text_bias(token: str, byte_dec: dict[str, int]) -> float:
    """Logit bias of a regular token: words are likely, anything that would not print is not."""
    try:
        text = bytes(byte_dec[c] for c in token).decode("utf-8")
    except (UnicodeDecodeError, KeyError):
        return BIAS_BAD_TEXT
    if regex.fullmatch(r" [A-Za-z]{2,}", text):
        return BIAS_SPACED_WORD
    if regex.fullmatch(r" ?[A-Za-z']+|[.,]", text):
        return BIAS_WORD
    return BIAS_BAD_TEXT


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


def sinusoids(length: int, channels: int, max_timescale: float = 10000) -> torch.Tensor:
    log_timescale_increment = math.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = torch.exp(-log_timescale_increment * torch.arange(channels // 2))
    scaled_time = torch.arange(length).view(-1, 1) * inv_timescales.view(1, -1)
    return torch.cat([scaled_time.sin(), scaled_time.cos()], dim=1)


class Whisper(torch.nn.Module):
    """Whisper's forward pass written out with plain tensors (no cache objects), reading the
    weights of a transformers WhisperForConditionalGeneration so that parameter names, and
    therefore ONNX initializer names, follow the Hugging Face layout."""

    def __init__(self, hf_model, heads: int):
        super().__init__()
        self.hf = hf_model
        self.heads = heads
        self.d_model = hf_model.config.d_model
        self.head_dim = self.d_model // heads

    def _split(self, x):
        b = x.shape[0]
        return x.reshape(b, -1, self.heads, self.head_dim).transpose(1, 2)

    def _merge(self, x):
        b = x.shape[0]
        return x.transpose(1, 2).reshape(b, -1, self.d_model)

    def _attend(self, q, k, v, mask=None):
        scores = torch.matmul(q, k.transpose(-1, -2))
        if mask is not None:
            scores = scores + mask
        return torch.matmul(torch.softmax(scores, dim=-1), v)

    def encode(self, input_features):
        enc = self.hf.model.encoder
        x = F.gelu(enc.conv1(input_features))
        x = F.gelu(enc.conv2(x))
        x = x.permute(0, 2, 1) + enc.embed_positions.weight
        for layer in enc.layers:
            a = layer.self_attn
            h = layer.self_attn_layer_norm(x)
            q = self._split(a.q_proj(h) * (self.head_dim**-0.5))
            o = self._attend(q, self._split(a.k_proj(h)), self._split(a.v_proj(h)))
            x = x + a.out_proj(self._merge(o))
            h = layer.final_layer_norm(x)
            x = x + layer.fc2(F.gelu(layer.fc1(h)))
        return enc.layer_norm(x)

    def decode(self, input_ids, encoder_hidden_states, past=None, return_hidden=False):
        """One decoder call. `past` is None or a list of (self_k, self_v, cross_k, cross_v) per
        layer. Returns logits and the list of presents (cross k/v passed through when cached)."""
        dec = self.hf.model.decoder
        seq = input_ids.shape[1]
        past_len = 0 if past is None else past[0][0].shape[2]
        positions = torch.arange(seq) + past_len
        x = dec.embed_tokens(input_ids) + dec.embed_positions.weight[positions]
        # causal mask: query i (absolute past_len + i) sees keys j <= past_len + i
        key_pos = torch.arange(seq + past_len)
        mask = torch.where(key_pos[None, :] <= positions[:, None], 0.0, -1e9).to(x.dtype)
        presents = []
        for i, layer in enumerate(dec.layers):
            a = layer.self_attn
            h = layer.self_attn_layer_norm(x)
            q = self._split(a.q_proj(h) * (self.head_dim**-0.5))
            k, v = self._split(a.k_proj(h)), self._split(a.v_proj(h))
            if past is not None:
                k = torch.cat([past[i][0], k], dim=2)
                v = torch.cat([past[i][1], v], dim=2)
            x = x + a.out_proj(self._merge(self._attend(q, k, v, mask)))
            c = layer.encoder_attn
            h = layer.encoder_attn_layer_norm(x)
            q = self._split(c.q_proj(h) * (self.head_dim**-0.5))
            if past is None:
                ck, cv = self._split(c.k_proj(encoder_hidden_states)), self._split(c.v_proj(encoder_hidden_states))
            else:
                ck, cv = past[i][2], past[i][3]
            x = x + c.out_proj(self._merge(self._attend(q, ck, cv)))
            h = layer.final_layer_norm(x)
            x = x + layer.fc2(F.gelu(layer.fc1(h)))
            presents.append((k, v, ck, cv))
        if return_hidden:
            return x
        return self.hf.proj_out(dec.layer_norm(x)), presents


class EncoderExport(torch.nn.Module):
    def __init__(self, m: Whisper):
        super().__init__()
        self.m = m

    def forward(self, input_features):
        return self.m.encode(input_features)


class DecoderNoPastExport(torch.nn.Module):
    def __init__(self, m: Whisper):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_hidden_states):
        logits, presents = self.m.decode(input_ids, encoder_hidden_states)
        return (logits, *[t for p in presents for t in p])


class DecoderWithPastExport(torch.nn.Module):
    def __init__(self, m: Whisper):
        super().__init__()
        self.m = m

    def forward(self, input_ids, *past_flat):
        past = [tuple(past_flat[4 * i : 4 * i + 4]) for i in range(len(past_flat) // 4)]
        logits, presents = self.m.decode(input_ids, None, past)
        return (logits, *[t for p in presents for t in p])


def kv_names(n_layers: int, prefix: str) -> list[str]:
    return [f"{prefix}.{i}.{part}.{kv}" for i in range(n_layers) for part in ("decoder", "encoder") for kv in ("key", "value")]


# ---------------------------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------------------------


def init_weights(model: Whisper, args):
    """Random weights; the decoder's reserved dimensions are cleared (planted by `calibrate`)."""
    hf = model.hf
    gen = torch.Generator().manual_seed(args.seed)

    def normal(shape, std):
        return torch.randn(shape, generator=gen) * std

    sd = {}
    for name, p in hf.named_parameters():
        shape = tuple(p.shape)
        if name.endswith("layer_norm.weight"):
            sd[name] = torch.ones(shape)
        elif name.endswith("layer_norm.bias"):
            sd[name] = torch.zeros(shape)
        elif name.endswith(".bias"):
            sd[name] = normal(shape, 0.02)
        elif "conv" in name:
            fan_in = shape[1] * shape[2]
            sd[name] = normal(shape, 1.0 / math.sqrt(fan_in))
        elif name.endswith("embed_positions.weight") and "encoder" in name:
            sd[name] = sinusoids(*shape)
        elif name.endswith("embed_positions.weight"):
            sd[name] = normal(shape, POS_STD)
        elif name.endswith("embed_tokens.weight"):
            sd[name] = normal(shape, 1.0)
        elif name == "proj_out.weight":
            sd[name] = normal(shape, 1.0)  # rescaled after calibration
        elif "encoder_attn.out_proj.weight" in name:
            sd[name] = normal(shape, CROSS_OUT_STD / math.sqrt(shape[1]))  # audio steers the words
        elif name.endswith(("out_proj.weight", "fc2.weight")):
            sd[name] = normal(shape, 0.6 / math.sqrt(shape[1]))
        elif "encoder_attn.q_proj" in name or "encoder_attn.k_proj" in name:
            sd[name] = normal(shape, CROSS_QK_STD / math.sqrt(shape[1]))  # sharper cross-attention
        else:
            sd[name] = normal(shape, 1.0 / math.sqrt(shape[1]))

    reserved = list(range(N_RESERVED))
    # The decoder's layers never write to the reserved dimensions; tokens do not carry them.
    for name in list(sd):
        if name.startswith("model.decoder.layers.") and name.endswith(("out_proj.weight", "fc2.weight", "out_proj.bias", "fc2.bias")):
            sd[name][reserved] = 0.0
    sd["model.decoder.embed_tokens.weight"][:, reserved] = 0.0
    sd["model.decoder.embed_positions.weight"][:, reserved] = 0.0
    hf.load_state_dict(sd, strict=True)
    return sd


@torch.no_grad()
def calibrate(model: Whisper, args, ids, tokens: list[str], text_ids: list[int], close_pos: int):
    """Set the planted weights from statistics of the random network (deterministic)."""
    hf = model.hf
    d = args.d_model
    dec = hf.model.decoder
    gen = torch.Generator().manual_seed(args.seed + 1)
    # Encoder outputs of three synthetic inputs: silence, a tone and noise (as log-mel-like features).
    feats = torch.stack(
        [
            torch.full((N_MELS, N_FRAMES), -0.6),
            -0.6 + 0.9 * torch.exp(-((torch.arange(N_MELS)[:, None] - 20.0) ** 2) / 8.0).expand(N_MELS, N_FRAMES),
            -0.2 + 0.3 * torch.randn((N_MELS, N_FRAMES), generator=gen),
        ]
    )
    enc = model.encode(feats)
    length = min(close_pos + 3, MAX_TARGET_POSITIONS)
    prompt = [ids["<|startoftranscript|>"], ids["<|en|>"], ids["<|transcribe|>"], ids["<|notimestamps|>"]]
    rand_text = torch.tensor(text_ids)[torch.randint(len(text_ids), (3, length), generator=gen)]
    rand_text[:, : len(prompt)] = torch.tensor(prompt)

    def stream():
        return model.decode(rand_text, enc, return_hidden=True)  # [3, L, d] before the final norm

    pos = dec.embed_positions.weight
    # Pass 1: size of the random stream, to scale the phase signals.
    x = stream()
    r = x[:, :, N_RESERVED:].pow(2).mean().sqrt().item()
    S = 2.5 * r
    phase_dims = {"start": R_START, "close": R_CLOSE, "eos": R_EOS}
    positions = {
        "start": list(range(0, 3)),
        "close": [close_pos],
        "eos": list(range(close_pos + 1, MAX_TARGET_POSITIONS)),
    }
    for name, (a, b) in phase_dims.items():
        for p in positions[name]:
            if p < MAX_TARGET_POSITIONS:
                pos[p, a] = S
                pos[p, b] = -S
    # Pass 2: the normalized features with the phase signals in place.
    x = stream()
    ln = dec.layer_norm
    ln.weight.fill_(1.0)
    ln.bias.zero_()
    n = ln(x)  # weight 1, bias 0: plain normalization
    ln.weight[R_CONST] = 0.0
    ln.bias[R_CONST] = CONST_FEATURE
    phase_value = {}
    for name, (a, b) in phase_dims.items():
        ps = [p for p in positions[name] if p < length]
        phase_value[name] = (n[:, ps, a] - n[:, ps, b]).mean().item()  # about 2 * S / std
    # The random features: the proj_out rows are scaled so a word's random logit has RANDOM_LOGIT_STD.
    feat_rms = n[:, :, N_RESERVED:].pow(2).sum(-1).sqrt().mean().item()
    sigma_w = RANDOM_LOGIT_STD / feat_rms

    W = hf.proj_out.weight
    V = W.shape[0]
    # No token may be favoured everywhere, or greedy search keeps coming back to it: remove from
    # the rows the direction the features share at all positions and inputs, give the rows equal
    # norms, then scale them to the target spread.
    common = n[:, :, N_RESERVED:].reshape(-1, d - N_RESERVED).mean(0)
    common /= common.norm()
    W[:, N_RESERVED:] -= (W[:, N_RESERVED:] @ common)[:, None] * common[None, :]
    W[:, N_RESERVED:] /= W[:, N_RESERVED:].norm(dim=1, keepdim=True)
    # A token also should not follow itself: its input embedding reaches the final features
    # through the residual path, so point its output row away from it.
    e = dec.embed_tokens.weight[:, N_RESERVED:]
    e = e / e.norm(dim=1, keepdim=True)
    along = (W[:, N_RESERVED:] * e).sum(1, keepdim=True)
    W[:, N_RESERVED:] += (-SELF_REPEAT_COSINE - along) * e
    W[:, N_RESERVED:] /= W[:, N_RESERVED:].norm(dim=1, keepdim=True)
    W.mul_(sigma_w * math.sqrt(d - N_RESERVED))
    eot, nots = ids["<|endoftext|>"], ids["<|notimestamps|>"]
    ts0 = nots + 1
    quiet = list(range(eot, ts0 + N_TIMESTAMPS))  # specials and timestamps: precise logits
    W[quiet] *= 0.05
    W[:, :N_RESERVED] = 0.0

    # Planted columns. Magnitude goes into the layer-norm weight (fp32, never quantized) while
    # the proj_out entries stay a few sigma_w, so q8's per-tensor weight scale stays fine.
    planted = 3.0 * sigma_w

    def plant(dims, rows, boost, name):
        a, b = dims
        g = boost / (planted * phase_value[name])
        ln.weight[a] = g
        ln.weight[b] = g
        W[rows, a] = planted
        W[rows, b] = -planted

    plant(R_START, [ts0], BOOST_FIRST_TIMESTAMP, "start")
    plant(R_CLOSE, [eot] + list(range(ts0, ts0 + N_TIMESTAMPS)), BOOST_CLOSE, "close")
    plant(R_EOS, [eot], BOOST_EOS, "eos")

    bias = torch.full((V,), BIAS_SPECIAL)
    byte_dec = {c: b for b, c in bytes_to_unicode().items()}
    for t, token in enumerate(tokens):
        bias[t] = token_text_bias(token, byte_dec)
    bias[eot] = BIAS_EOS
    bias[ts0 : ts0 + N_TIMESTAMPS] = BIAS_TIMESTAMP
    W[:, R_CONST] = bias / CONST_FEATURE
    return dict(stream_rms=r, phase_signal=S, phase_value=phase_value, sigma_w=sigma_w)


# ---------------------------------------------------------------------------------------------
# ONNX export and the merged decoder
# ---------------------------------------------------------------------------------------------


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


def tensor_key(t: onnx.TensorProto):
    arr = numpy_helper.to_array(t)
    return (t.data_type, tuple(t.dims), hashlib.sha256(arr.tobytes()).hexdigest())


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


def slim_decoders(model_dir: str) -> None:
    """scripts/slim-decoder.py: the with-past branch stops copying the cross-attention cache out."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("slim_decoder", os.path.join(os.path.dirname(os.path.abspath(__file__)), "slim-decoder.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in sorted(os.listdir(os.path.join(model_dir, "onnx"))):
        if name.startswith("decoder_model_merged"):
            print(f"  onnx/{name}: {module.slim(Path(model_dir) / 'onnx' / name)}")


def quantize_q8(src: str, dst: str):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(src, dst, weight_type=QuantType.QUInt8, extra_options={"EnableSubgraph": True})


# ---------------------------------------------------------------------------------------------
# Config files
# ---------------------------------------------------------------------------------------------


def write_json(path: str, obj):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def make_configs(args, ids, vocab_size: int, tokens):
    from transformers import WhisperConfig

    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    space = tokens.index("Ġ")
    # A short suppress list in the spirit of Whisper's: some symbol bytes and the task tokens.
    byte_enc = bytes_to_unicode()
    symbols = [tokens.index(byte_enc[ord(c)]) for c in '"#()*+/:;<=>@[\\]^_`{|}~']
    controls = [ids[n] for n in ("<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>")]
    suppress = sorted(symbols + controls)
    config = WhisperConfig(
        vocab_size=vocab_size,
        num_mel_bins=N_MELS,
        d_model=args.d_model,
        encoder_layers=args.encoder_layers,
        decoder_layers=args.decoder_layers,
        encoder_attention_heads=args.heads,
        decoder_attention_heads=args.heads,
        encoder_ffn_dim=args.ffn_dim,
        decoder_ffn_dim=args.ffn_dim,
        max_source_positions=MAX_SOURCE_POSITIONS,
        max_target_positions=MAX_TARGET_POSITIONS,
        pad_token_id=eot,
        bos_token_id=eot,
        eos_token_id=eot,
        decoder_start_token_id=sot,
        begin_suppress_tokens=[space, eot],
        suppress_tokens=suppress,
        tie_word_embeddings=False,
        scale_embedding=False,
        activation_function="gelu",
        use_cache=True,
    )
    config.architectures = ["WhisperForConditionalGeneration"]
    n_align = max(1, args.heads // 2)
    generation = {
        "alignment_heads": [[args.decoder_layers - 1, h] for h in range(n_align)],
        "begin_suppress_tokens": [space, eot],
        "bos_token_id": eot,
        "decoder_start_token_id": sot,
        "eos_token_id": eot,
        "forced_decoder_ids": None,
        "is_multilingual": True,
        "lang_to_id": {f"<|{lang}|>": ids[f"<|{lang}|>"] for lang in LANGUAGES},
        "max_initial_timestamp_index": 50,
        "max_length": MAX_TARGET_POSITIONS,
        "no_timestamps_token_id": ids["<|notimestamps|>"],
        "pad_token_id": eot,
        "prev_sot_token_id": ids["<|startofprev|>"],
        "return_timestamps": False,
        "suppress_tokens": suppress,
        "task_to_id": {"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
    }
    preprocessor = {
        "chunk_length": 30,
        "feature_extractor_type": "WhisperFeatureExtractor",
        "feature_size": N_MELS,
        "hop_length": 160,
        "n_fft": 400,
        "n_samples": 480000,
        "nb_max_frames": N_FRAMES,
        "padding_side": "right",
        "padding_value": 0.0,
        "processor_class": "WhisperProcessor",
        "return_attention_mask": False,
        "sampling_rate": 16000,
    }
    specials = [name for name, i in sorted(ids.items(), key=lambda kv: kv[1]) if i <= ids["<|notimestamps|>"]]
    tokenizer_config = {
        "tokenizer_class": "WhisperTokenizer",
        "processor_class": "WhisperProcessor",
        "bos_token": "<|endoftext|>",
        "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>",
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": True,
        "errors": "replace",
        "model_max_length": 1024,
        "additional_special_tokens": specials,
    }
    return config, generation, preprocessor, tokenizer_config


# ---------------------------------------------------------------------------------------------
# Self-check: greedy decoding as transformers.js does it, on ONNX Runtime
# ---------------------------------------------------------------------------------------------


def log_mel(audio: np.ndarray) -> np.ndarray:
    from transformers import WhisperFeatureExtractor

    fe = WhisperFeatureExtractor(feature_size=N_MELS, sampling_rate=16000, hop_length=160, chunk_length=30, n_fft=400)
    return fe(audio, sampling_rate=16000, return_tensors="np").input_features.astype(np.float32)


def greedy(enc_sess, dec_sess, features, gen_cfg, language="en", timestamps=False, max_length=MAX_TARGET_POSITIONS):
    """Greedy decoding with the logits processors transformers.js applies to Whisper."""
    eot = gen_cfg["eos_token_id"]
    nots = gen_cfg["no_timestamps_token_id"]
    ts_begin = nots + 1
    prompt = [gen_cfg["decoder_start_token_id"], gen_cfg["lang_to_id"][f"<|{language}|>"], gen_cfg["task_to_id"]["transcribe"]]
    if not timestamps:
        prompt.append(nots)
    ehs = enc_sess.run(None, {"input_features": features})[0]
    inputs = {i.name: i for i in dec_sess.get_inputs()}
    feeds = {"encoder_hidden_states": ehs, "use_cache_branch": np.array([False])}
    for name, meta in inputs.items():
        if name.startswith("past_key_values"):
            shape = [1 if s == "batch_size" else (s if isinstance(s, int) else 0) for s in meta.shape]
            feeds[name] = np.zeros(shape, np.float32)
    out_names = [o.name for o in dec_sess.get_outputs()]
    seq = list(prompt)
    step_ids = prompt
    while len(seq) < max_length:
        feeds["input_ids"] = np.array([step_ids], np.int64)
        outs = dict(zip(out_names, dec_sess.run(None, feeds)))
        logits = outs["logits"][0, -1].astype(np.float64)
        for t in gen_cfg["suppress_tokens"]:
            logits[t] = -np.inf
        if len(seq) == len(prompt):
            for t in gen_cfg["begin_suppress_tokens"]:
                logits[t] = -np.inf
        if timestamps:
            begin = len(prompt)
            logits[nots] = -np.inf
            if len(seq) == begin:
                logits[:ts_begin] = -np.inf
            else:
                gen = seq[begin:]
                last_ts = len(gen) >= 1 and gen[-1] >= ts_begin
                pen_ts = len(gen) < 2 or gen[-2] >= ts_begin
                if last_ts:
                    if pen_ts:
                        logits[ts_begin:] = -np.inf
                    else:
                        logits[:eot] = -np.inf
                m = logits.max()
                with np.errstate(divide="ignore"):
                    lp = logits - (m + np.log(np.exp(logits - m).sum()))
                    ts_lp = np.log(np.exp(lp[ts_begin:]).sum())
                if ts_lp > lp[:ts_begin].max():
                    logits[:ts_begin] = -np.inf
        nxt = int(np.argmax(logits))
        seq.append(nxt)
        if nxt == eot:
            break
        step_ids = [nxt]
        first_step = not bool(feeds["use_cache_branch"][0])
        feeds["use_cache_branch"] = np.array([True])
        for name in out_names[1:]:
            # As transformers.js: the cross-attention cache comes from the first step only (later
            # steps return it empty; scripts/slim-decoder.py).
            if first_step or ".encoder." not in name:
                feeds[name.replace("present", "past_key_values")] = outs[name]
    return seq[len(prompt) :]


def self_check(out_dir: str, dtypes, gen_cfg, tokenizer_path, tokens_per_window) -> bool:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tokenizer_path)
    eot = gen_cfg["eos_token_id"]
    ts_begin = gen_cfg["no_timestamps_token_id"] + 1
    sr = 16000
    t = np.arange(5 * sr) / sr
    rng = np.random.default_rng(1)
    audios = {
        "sine-440": (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
        "noise": (0.1 * rng.standard_normal(5 * sr)).astype(np.float32),
        "silence": np.zeros(5 * sr, np.float32),
    }
    ok = True
    so = ort.SessionOptions()
    so.log_severity_level = 3
    for dtype in dtypes:
        sfx = DTYPE_SUFFIX[dtype]
        enc = ort.InferenceSession(os.path.join(out_dir, "onnx", f"encoder_model{sfx}.onnx"), so)
        dec = ort.InferenceSession(os.path.join(out_dir, "onnx", f"decoder_model_merged{sfx}.onnx"), so)
        for name, audio in audios.items():
            feats = log_mel(audio)
            for ts in (False, True):
                t0 = time.time()
                gen = greedy(enc, dec, feats, gen_cfg, timestamps=ts)
                dt = time.time() - t0
                text_ids = [i for i in gen if i < eot]
                text = tok.decode(text_ids)
                ended = bool(gen) and gen[-1] == eot
                distinct = len(set(text_ids))
                n_ts = sum(1 for i in gen if i >= ts_begin)
                good = ended and len(text_ids) >= max(1, tokens_per_window // 2) and distinct > 1 and text.strip() != ""
                if ts:
                    good = good and n_ts == 2 and gen[0] >= ts_begin and gen[-2] >= ts_begin
                else:
                    good = good and n_ts == 0
                ok &= good
                print(
                    f"  [{'ok' if good else 'FAIL'}] {dtype:4s} {name:9s} timestamps={str(ts):5s} "
                    f"{len(gen):3d} tokens ({distinct} distinct words, {n_ts} timestamps) {dt:.2f}s: {text[:70]!r}"
                )
    return ok


@torch.no_grad()
def reference_check(model: Whisper) -> float:
    """The plain-tensor forward pass must agree with transformers' own Whisper."""
    gen = torch.Generator().manual_seed(123)
    feats = torch.randn(1, N_MELS, N_FRAMES, generator=gen) * 0.3
    ids = torch.randint(0, 200, (1, 6), generator=gen)
    ref = model.hf(input_features=feats, decoder_input_ids=ids).logits
    enc = model.encode(feats)
    ours, presents = model.decode(ids[:, :5], enc)
    step, _ = model.decode(ids[:, 5:], None, presents)
    full = torch.cat([ours, step], dim=1)
    return (full - ref).abs().max().item() / ref.abs().max().item()


# ---------------------------------------------------------------------------------------------


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output folder (created; its onnx/ is replaced)")
    p.add_argument("--preset", choices=sorted(PRESETS), help="model size; explicit options override it")
    p.add_argument("--d-model", type=int)
    p.add_argument("--encoder-layers", type=int)
    p.add_argument("--decoder-layers", type=int)
    p.add_argument("--heads", type=int)
    p.add_argument("--ffn-dim", type=int, help="default 4 * d_model")
    p.add_argument("--vocab-merges", type=int, help="BPE merges on top of the 256 byte tokens")
    p.add_argument("--vocab-size", type=int, help="total vocabulary (overrides --vocab-merges), e.g. 51865")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tokens-per-window", type=int, default=20, help="text tokens per 30 s window before <|endoftext|>")
    p.add_argument("--dtypes", default="fp32,q8", help=f"comma-separated, of {','.join(DTYPE_SUFFIX)}")
    p.add_argument("--no-check", action="store_true", help="skip the ONNX Runtime self-check")
    args = p.parse_args(argv)
    preset = PRESETS.get(args.preset, {})
    for key in ("d_model", "encoder_layers", "decoder_layers", "heads", "ffn_dim", "vocab_merges", "vocab_size"):
        if getattr(args, key) is None:
            setattr(args, key, preset.get(key))
    defaults = dict(d_model=64, encoder_layers=2, decoder_layers=2, heads=4)
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.vocab_size is not None:
        args.vocab_merges = args.vocab_size - N_ADDED_TOKENS - N_BYTE_TOKENS
    elif args.vocab_merges is None:
        args.vocab_merges = 300
    if args.vocab_merges < 0:
        p.error("vocabulary too small")
    if args.ffn_dim is None:
        args.ffn_dim = 4 * args.d_model
    if args.d_model % args.heads or (args.d_model // args.heads) % 2:
        p.error("d_model must be a multiple of heads with an even head size")
    if args.d_model < 4 * N_RESERVED:
        p.error(f"d_model must be at least {4 * N_RESERVED}")
    if not 1 <= args.tokens_per_window <= MAX_TARGET_POSITIONS - 8:
        p.error(f"--tokens-per-window must lie in 1..{MAX_TARGET_POSITIONS - 8}")
    args.dtypes = [x.strip() for x in args.dtypes.split(",") if x.strip()]
    for dt in args.dtypes:
        if dt not in DTYPE_SUFFIX:
            p.error(f"unknown dtype {dt}; known: {', '.join(DTYPE_SUFFIX)}")
    if "fp32" not in args.dtypes:
        args.dtypes.insert(0, "fp32")  # the others are made from it; removed again at the end
        args.drop_fp32 = True
    else:
        args.drop_fp32 = False
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    from transformers import WhisperForConditionalGeneration
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    t_start = time.time()

    tokens, merges, ids, tokenizer_json, added = build_tokenizer(args.vocab_merges, args.seed)
    n_regular = len(tokens)
    vocab_size = n_regular + len(added)
    byte_dec = {c: b for b, c in bytes_to_unicode().items()}
    text_ids = [i for i, t in enumerate(tokens) if token_text_bias(t, byte_dec) > BIAS_BAD_TEXT]

    config, generation, preprocessor, tokenizer_config = make_configs(args, ids, vocab_size, tokens)
    hf = WhisperForConditionalGeneration(config).eval()
    model = Whisper(hf, args.heads).eval()
    init_weights(model, args)
    # Position (0-based) of the decoder input whose logits close the window; the prompt has
    # 4 tokens without timestamps (3 with), so tokens-per-window text tokens come before it.
    close_pos = 3 + args.tokens_per_window
    stats = calibrate(model, args, ids, tokens, text_ids, close_pos)
    rel_err = reference_check(model)
    if rel_err > 1e-4:
        print(f"plain-tensor forward differs from transformers' Whisper: {rel_err:.2e}", file=sys.stderr)
        return 1

    out = args.out
    os.makedirs(out, exist_ok=True)
    onnx_dir = os.path.join(out, "onnx")
    shutil.rmtree(onnx_dir, ignore_errors=True)
    os.makedirs(onnx_dir)
    config.to_json_file(os.path.join(out, "config.json"))
    write_json(os.path.join(out, "generation_config.json"), generation)
    write_json(os.path.join(out, "preprocessor_config.json"), preprocessor)
    write_json(os.path.join(out, "tokenizer_config.json"), tokenizer_config)
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as fh:
        json.dump(tokenizer_json, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")

    export_all(model, args, onnx_dir, vocab_size)
    if "q8" in args.dtypes:
        for base in ("encoder_model", "decoder_model_merged"):
            quantize_q8(os.path.join(onnx_dir, f"{base}.onnx"), os.path.join(onnx_dir, f"{base}_quantized.onnx"))
    slim_decoders(out)

    print(
        f"{out}: d_model={args.d_model} layers={args.encoder_layers}+{args.decoder_layers} heads={args.heads} "
        f"ffn={args.ffn_dim} vocab={vocab_size} ({len(merges)} merges) tokens/window={args.tokens_per_window} "
        f"seed={args.seed}"
    )
    print(
        f"  calibration: stream rms {stats['stream_rms']:.3f}, phase signal {stats['phase_signal']:.3f}, "
        f"proj_out sigma {stats['sigma_w']:.4f}, torch vs transformers rel. error {rel_err:.1e}"
    )
    ok = True
    if not args.no_check:
        ok = self_check(out, args.dtypes, generation, os.path.join(out, "tokenizer.json"), args.tokens_per_window)
    if args.drop_fp32:
        for base in ("encoder_model", "decoder_model_merged"):
            os.remove(os.path.join(onnx_dir, f"{base}.onnx"))
    for name in sorted(os.listdir(onnx_dir)):
        print(f"  onnx/{name}: {os.path.getsize(os.path.join(onnx_dir, name)) / 1e6:.2f} MB")
    print(f"  done in {time.time() - t_start:.1f}s")
    if not ok:
        print("self-check failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

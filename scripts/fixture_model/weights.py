"""Random weights and the planted ones that make greedy decoding end (see the package doc)."""

from __future__ import annotations

import math

import torch

from .constants import (
    BIAS_EOS,
    BIAS_SPECIAL,
    BIAS_TIMESTAMP,
    BOOST_CLOSE,
    BOOST_EOS,
    BOOST_FIRST_TIMESTAMP,
    CONST_FEATURE,
    CROSS_OUT_STD,
    CROSS_QK_STD,
    MAX_TARGET_POSITIONS,
    N_FRAMES,
    N_MELS,
    N_RESERVED,
    N_TIMESTAMPS,
    POS_STD,
    R_CLOSE,
    R_CONST,
    R_EOS,
    R_START,
    RANDOM_LOGIT_STD,
    SELF_REPEAT_COSINE,
)
from .tokenizer import bytes_to_unicode, token_text_bias
from .whisper import Whisper, sinusoids


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

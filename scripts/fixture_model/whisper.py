"""Whisper's forward pass with plain tensors, and the wrappers `torch.onnx.export` traces."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


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

"""The plain-tensor PyTorch Whisper that is exported to ONNX (KV caches as plain tensors, one
transposed copy of the tied embedding), loaded from the converted state dict."""
from __future__ import annotations


def build_torch_modules(dims: dict):
    import torch
    from torch import nn
    import torch.nn.functional as F

    NEG = torch.finfo(torch.float32).min

    class Attention(nn.Module):
        def __init__(self, d: int, heads: int):
            super().__init__()
            self.heads, self.head_dim = heads, d // heads
            self.scaling = self.head_dim ** -0.5
            self.q_proj = nn.Linear(d, d)
            self.k_proj = nn.Linear(d, d, bias=False)
            self.v_proj = nn.Linear(d, d)
            self.out_proj = nn.Linear(d, d)

        def split(self, x):  # [b, t, d] -> [b, h, t, hd]
            b, t = x.shape[0], x.shape[1]
            return x.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)

        def project_kv(self, x):
            return self.split(self.k_proj(x)), self.split(self.v_proj(x))

        def attend(self, x, k, v, mask=None):
            b, t = x.shape[0], x.shape[1]
            q = self.split(self.q_proj(x) * self.scaling)
            scores = torch.matmul(q, k.transpose(2, 3))
            if mask is not None:
                scores = scores.masked_fill(mask, NEG)
            out = torch.matmul(torch.softmax(scores, dim=-1), v)
            return self.out_proj(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))

    class EncoderLayer(nn.Module):
        def __init__(self, d, heads, ffn):
            super().__init__()
            self.self_attn = Attention(d, heads)
            self.self_attn_layer_norm = nn.LayerNorm(d)
            self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
            self.final_layer_norm = nn.LayerNorm(d)

        def forward(self, x):
            h = self.self_attn_layer_norm(x)
            k, v = self.self_attn.project_kv(h)
            x = x + self.self_attn.attend(h, k, v)
            return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            d = dims["d_model"]
            self.conv1 = nn.Conv1d(dims["num_mel_bins"], d, 3, padding=1)
            self.conv2 = nn.Conv1d(d, d, 3, stride=2, padding=1)
            self.embed_positions = nn.Embedding(dims["max_source_positions"], d)
            self.layers = nn.ModuleList(EncoderLayer(d, dims["encoder_attention_heads"], dims["encoder_ffn_dim"])
                                        for _ in range(dims["encoder_layers"]))
            self.layer_norm = nn.LayerNorm(d)

        def forward(self, input_features):
            x = F.gelu(self.conv2(F.gelu(self.conv1(input_features)))).permute(0, 2, 1)
            x = x + self.embed_positions.weight
            for layer in self.layers:
                x = layer(x)
            return self.layer_norm(x)

    class DecoderLayer(nn.Module):
        def __init__(self, d, heads, ffn):
            super().__init__()
            self.self_attn = Attention(d, heads)
            self.self_attn_layer_norm = nn.LayerNorm(d)
            self.encoder_attn = Attention(d, heads)
            self.encoder_attn_layer_norm = nn.LayerNorm(d)
            self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
            self.final_layer_norm = nn.LayerNorm(d)

    class Decoder(nn.Module):
        """One decoder step with plain tensor caches: (input_ids, encoder_hidden_states, *past) ->
        (logits, *present), caches ordered per layer as decoder.key, decoder.value, encoder.key, encoder.value."""

        def __init__(self):
            super().__init__()
            d = dims["d_model"]
            self.embed_tokens = nn.Embedding(dims["vocab_size"], d)
            self.embed_positions = nn.Embedding(dims["max_target_positions"], d)
            self.layers = nn.ModuleList(DecoderLayer(d, dims["decoder_attention_heads"], dims["decoder_ffn_dim"])
                                        for _ in range(dims["decoder_layers"]))
            self.layer_norm = nn.LayerNorm(d)
            self.with_past = False

        def forward(self, input_ids, encoder_hidden_states, *past):
            b, t = input_ids.shape[0], input_ids.shape[1]
            # One transposed copy of the tied embedding serves both the lookup and the output
            # projection, so the ONNX file holds the matrix once.
            wt = self.embed_tokens.weight.t()
            x = torch.index_select(wt, 1, input_ids.reshape(-1)).t().reshape(b, t, wt.shape[0])
            p = past[0].shape[2] if self.with_past else 0
            steps = torch.arange(t, device=input_ids.device)
            x = x + self.embed_positions(steps + p)
            keys = torch.arange(t + p, device=input_ids.device)
            mask = keys.unsqueeze(0) > (steps + p).unsqueeze(1)  # [t, t+p], True = masked
            present = []
            for i, layer in enumerate(self.layers):
                h = layer.self_attn_layer_norm(x)
                k, v = layer.self_attn.project_kv(h)
                if self.with_past:
                    k = torch.cat([past[4 * i], k], dim=2)
                    v = torch.cat([past[4 * i + 1], v], dim=2)
                x = x + layer.self_attn.attend(h, k, v, mask)
                if self.with_past:
                    ek, ev = past[4 * i + 2], past[4 * i + 3]
                else:
                    ek, ev = layer.encoder_attn.project_kv(encoder_hidden_states)
                x = x + layer.encoder_attn.attend(layer.encoder_attn_layer_norm(x), ek, ev)
                x = x + layer.fc2(F.gelu(layer.fc1(layer.final_layer_norm(x))))
                present += [k, v, ek, ev]
            logits = torch.matmul(self.layer_norm(x), wt)
            return (logits, *present)

    return Encoder, Decoder


def load_modules(sd, dims):
    Encoder, Decoder = build_torch_modules(dims)
    enc, dec = Encoder(), Decoder()
    enc.load_state_dict({k[len("model.encoder."):]: t for k, t in sd.items() if k.startswith("model.encoder.")}, strict=True)
    dec.load_state_dict({k[len("model.decoder."):]: t for k, t in sd.items() if k.startswith("model.decoder.")}, strict=True)
    return enc.eval(), dec.eval()

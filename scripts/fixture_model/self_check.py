"""Self-check: greedy decoding as transformers.js does it, on ONNX Runtime."""

from __future__ import annotations

import os
import time

import numpy as np
import torch

from .constants import DTYPE_SUFFIX, MAX_TARGET_POSITIONS, N_FRAMES, N_MELS
from .whisper import Whisper


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
            feeds[name] = np.zeros(shape, np.float16 if meta.type == "tensor(float16)" else np.float32)
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


def self_check(out_dir: str, pairs, gen_cfg, tokenizer_path, tokens_per_window) -> bool:
    """Decodes three synthetic inputs with each (encoder, decoder) dtype pair; False if any window misbehaves."""
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
    for enc_dtype, dec_dtype in pairs:
        dtype = enc_dtype if enc_dtype == dec_dtype else f"{enc_dtype}+{dec_dtype}"
        enc = ort.InferenceSession(os.path.join(out_dir, "onnx", f"encoder_model{DTYPE_SUFFIX[enc_dtype]}.onnx"), so)
        dec = ort.InferenceSession(os.path.join(out_dir, "onnx", f"decoder_model_merged{DTYPE_SUFFIX[dec_dtype]}.onnx"), so)
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
                    f"  [{'ok' if good else 'FAIL'}] {dtype:10s} {name:9s} timestamps={str(ts):5s} "
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

"""The numerical check of a conversion: the CTranslate2 source model against transformers' PyTorch
model and the ONNX fp32 and q8 files, on an espeak-ng clip (encoder output, teacher-forced logits,
greedy transcripts)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .common import WORK, log
from .export import cache_names

CHECK_TEXT = "The quick brown fox jumps over the lazy dog. Please send the report to the team by Friday afternoon."


def make_clip(path: Path) -> Path:
    """Speaks CHECK_TEXT with espeak-ng into a 16 kHz mono wav."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), CHECK_TEXT], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True)
    raw.unlink()
    return path


def load_audio(path: Path):
    import numpy as np

    pcm = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1", "-ar", "16000", "-"],
                         check=True, stdout=subprocess.PIPE).stdout
    return np.frombuffer(pcm, dtype=np.float32).copy()


def greedy_onnx(enc_sess, dec_sess, features, prompt, generation, n_layers, max_len=448):
    """Greedy decoding with the merged decoder, as transformers.js does (suppress_tokens at every
    step, begin_suppress_tokens at the first generated position). Returns tokens and step logits."""
    import numpy as np

    hidden = enc_sess.run(None, {"input_features": features})[0]
    names = [i.name for i in dec_sess.get_inputs()]
    feeds = {"encoder_hidden_states": hidden}
    for name in cache_names(n_layers, "past_key_values"):
        meta = next(i for i in dec_sess.get_inputs() if i.name == name)
        feeds[name] = np.zeros([1 if d == "batch_size" else (d if isinstance(d, int) else 0) for d in meta.shape], np.float32)
    tokens = list(prompt)
    step_logits = []
    ids = np.array([tokens], dtype=np.int64)
    use_cache = False
    suppress = np.array(generation["suppress_tokens"], dtype=np.int64)
    begin = np.array(generation["begin_suppress_tokens"], dtype=np.int64)
    while len(tokens) < max_len:
        feeds["input_ids"] = ids
        feeds["use_cache_branch"] = np.array([use_cache])
        outs = dict(zip([o.name for o in dec_sess.get_outputs()], dec_sess.run(None, {k: feeds[k] for k in names})))
        logits = outs["logits"][0, -1].astype(np.float64)
        step_logits.append(logits.copy())
        logits[suppress] = -np.inf
        if len(tokens) == len(prompt):
            logits[begin] = -np.inf
        nxt = int(np.argmax(logits))
        tokens.append(nxt)
        if nxt == generation["eos_token_id"]:
            break
        for name in cache_names(n_layers, "present"):
            # As transformers.js: the cross-attention cache comes from the first step only (later
            # steps return it empty; scripts/slim-decoder.py).
            if not use_cache or ".encoder." not in name:
                feeds[name.replace("present", "past_key_values")] = outs[name]
        ids = np.array([[nxt]], dtype=np.int64)
        use_cache = True
    return tokens, step_logits, hidden


def check(model_dir: Path, model_bin_dir: Path, sd, dims, generation, files_dir: Path, clip: Path) -> dict:
    import ctranslate2
    import numpy as np
    import onnxruntime as ort
    import torch
    from tokenizers import Tokenizer
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration

    log(f"numerical check on {clip}")
    audio = load_audio(clip)
    fe = WhisperFeatureExtractor.from_pretrained(str(model_dir))
    features = fe(audio, sampling_rate=16000, return_tensors="np").input_features.astype(np.float32)
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    ids = {t.content: i for i, t in tok.get_added_tokens_decoder().items()}
    prompt = [generation["decoder_start_token_id"]]
    if generation["is_multilingual"]:
        prompt += [generation["lang_to_id"]["<|en|>"], generation["task_to_id"]["transcribe"]]
    prompt.append(generation["no_timestamps_token_id"])
    eos = generation["eos_token_id"]
    report: dict = {"clip": str(clip), "clip_text": CHECK_TEXT, "prompt": prompt}

    # Source: CTranslate2 on the original model.bin, float32 compute on CPU.
    ct2dir = WORK / "ct2" / model_dir.name
    ct2dir.mkdir(parents=True, exist_ok=True)
    for f in files_dir.iterdir():  # config.json, tokenizer.json, vocabulary.{json,txt}
        if f.is_file() and not f.name.startswith("model.bin"):
            shutil.copy(f, ct2dir / f.name)
    link = ct2dir / "model.bin"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(model_bin_dir / "model.bin")
    log("CTranslate2 (source model)")
    ct2 = ctranslate2.models.Whisper(str(ct2dir), device="cpu", compute_type="float32")
    sv = ctranslate2.StorageView.from_array(features)
    ct2_hidden = np.array(ct2.encode(sv, to_cpu=True))
    res = ct2.generate(sv, [prompt], beam_size=1, max_length=448, return_logits_vocab=True,
                       suppress_blank=True, suppress_tokens=generation["suppress_tokens"])[0]
    ct2_tokens = [t for t in res.sequences_ids[0] if t != eos]
    ct2_logits = [np.array(x) for x in res.logits[0]] if res.logits else []
    report["ctranslate2"] = {"text": tok.decode(ct2_tokens, skip_special_tokens=True).strip(), "tokens": ct2_tokens}

    # Teacher-forced logits along CT2's greedy path, for every implementation.
    forced = prompt + ct2_tokens + ([eos] if not ct2_tokens or ct2_tokens[-1] != eos else [])
    forced_in = torch.tensor([forced[:-1]])

    log("transformers WhisperForConditionalGeneration")
    hf = WhisperForConditionalGeneration(WhisperConfig.from_pretrained(str(model_dir))).eval()
    missing, unexpected = hf.load_state_dict(sd, strict=False)
    if [m for m in missing if m != "proj_out.weight"] or unexpected:
        raise SystemExit(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    hf.tie_weights()
    with torch.no_grad():
        out = hf(input_features=torch.from_numpy(features), decoder_input_ids=forced_in)
    hf_hidden = out.encoder_last_hidden_state.numpy()
    hf_logits = out.logits[0].numpy()

    sessions = {}
    for dtype, suffix in (("fp32", ""), ("q8", "_quantized")):
        opts = ort.SessionOptions()
        enc_s = ort.InferenceSession(str(model_dir / "onnx" / f"encoder_model{suffix}.onnx"), opts, providers=["CPUExecutionProvider"])
        dec_s = ort.InferenceSession(str(model_dir / "onnx" / f"decoder_model_merged{suffix}.onnx"), opts, providers=["CPUExecutionProvider"])
        sessions[dtype] = (enc_s, dec_s)

    def onnx_forced(enc_s, dec_s):
        hidden = enc_s.run(None, {"input_features": features})[0]
        feeds = {"input_ids": forced_in.numpy(), "encoder_hidden_states": hidden, "use_cache_branch": np.array([False])}
        for i in dec_s.get_inputs():
            if i.name.startswith("past_key_values"):
                feeds[i.name] = np.zeros([1, i.shape[1], 0, i.shape[3]], np.float32)
        first = dict(zip([o.name for o in dec_s.get_outputs()], dec_s.run(None, feeds)))
        return hidden, first["logits"][0]

    def diff(a, b) -> float:
        return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))

    n_prompt = len(prompt)
    report["encoder_max_abs_diff_vs_ctranslate2"] = {"transformers": diff(hf_hidden, ct2_hidden)}
    report["encoder_mean_abs_diff_vs_ctranslate2"] = {"transformers": float(np.mean(np.abs(hf_hidden - ct2_hidden)))}
    report["encoder_max_abs"] = float(np.max(np.abs(ct2_hidden)))
    report["encoder_mean_abs"] = float(np.mean(np.abs(ct2_hidden)))
    report["logits_max_abs_diff_vs_transformers"] = {}
    report["greedy"] = {}
    for dtype, (enc_s, dec_s) in sessions.items():
        log(f"onnxruntime {dtype}")
        hidden, logits = onnx_forced(enc_s, dec_s)
        report["encoder_max_abs_diff_vs_ctranslate2"][f"onnx_{dtype}"] = diff(hidden, ct2_hidden)
        report["encoder_mean_abs_diff_vs_ctranslate2"][f"onnx_{dtype}"] = float(np.mean(np.abs(hidden - ct2_hidden)))
        report["logits_max_abs_diff_vs_transformers"][f"onnx_{dtype}_no_cache_branch"] = diff(logits, hf_logits)
        tokens, step_logits, _ = greedy_onnx(enc_s, dec_s, features, prompt, generation, dims["decoder_layers"])
        gen = [t for t in tokens[n_prompt:] if t != eos]
        # cached-path logits (use_cache_branch=True) vs the teacher-forced reference, on the common prefix
        common = 0
        while common < min(len(gen), len(ct2_tokens)) and gen[common] == ct2_tokens[common]:
            common += 1
        cached = [diff(step_logits[j], hf_logits[n_prompt - 1 + j]) for j in range(min(common + 1, len(step_logits)))]
        report["logits_max_abs_diff_vs_transformers"][f"onnx_{dtype}_greedy_steps_with_cache"] = max(cached)
        report["greedy"][f"onnx_{dtype}"] = {"text": tok.decode(gen, skip_special_tokens=True).strip(),
                                              "tokens": gen, "same_tokens_as_ctranslate2": gen == ct2_tokens}
    if ct2_logits:
        # CTranslate2 returns the (log-)probabilities it decoded from; compare as log-softmax.
        def log_softmax(x):
            x = np.asarray(x, np.float64)
            m = x.max()
            return x - m - np.log(np.exp(x - m).sum())
        # CTranslate2 reports each step's vocabulary scores after its own suppression (-inf or the
        # float minimum there); compare the tokens it left open, raw and as log-softmax over them.
        steps = min(len(ct2_logits), len(hf_logits) - (n_prompt - 1))
        d_raw = d_ls = 0.0
        for j in range(steps):
            c = np.asarray(ct2_logits[j], np.float64)
            h = np.asarray(hf_logits[n_prompt - 1 + j], np.float64)
            keep = np.isfinite(c) & (c > -1e30)
            d_raw = max(d_raw, diff(c[keep], h[keep]))
            d_ls = max(d_ls, diff(log_softmax(c[keep]), log_softmax(h[keep])))
        report["ctranslate2_step_scores_vs_transformers"] = {"steps": steps, "max_abs_diff_raw": d_raw,
                                                             "max_abs_diff_log_softmax_over_unsuppressed": d_ls}
    report["logits_max_abs"] = float(np.max(np.abs(hf_logits)))
    hf_greedy = hf_logits[n_prompt - 1:].argmax(-1).tolist()
    report["transformers_teacher_forced_argmax_matches_ctranslate2"] = hf_greedy[:len(ct2_tokens)] == ct2_tokens
    try:
        from faster_whisper import WhisperModel
        log("faster-whisper")
        fw = WhisperModel(str(ct2dir), device="cpu", compute_type="float32")
        segs, _ = fw.transcribe(str(clip), language="en" if generation["is_multilingual"] else None, beam_size=1,
                                without_timestamps=True, vad_filter=False, condition_on_previous_text=False,
                                temperature=0.0)
        report["faster_whisper_text"] = " ".join(s.text.strip() for s in segs)
    except Exception as exc:  # informative only
        report["faster_whisper_text"] = f"(failed: {exc})"
    return report

"""The JSON files of a transformers.js Whisper folder: config.json, generation_config.json,
preprocessor_config.json, tokenizer_config.json and the completed tokenizer.json."""
from __future__ import annotations

import json
from pathlib import Path


def special_ids(tokenizer: dict) -> dict[str, int]:
    return {t["content"]: t["id"] for t in tokenizer["added_tokens"]}


def complete_tokenizer(tokenizer: dict, vocab_size: int) -> dict:
    """Adds the timestamp tokens <|0.00|>..<|30.00|> as added tokens when a tokenizer.json lacks them."""
    ids = special_ids(tokenizer)
    known = set(ids.values()) | set(tokenizer["model"]["vocab"].values())
    start = ids["<|notimestamps|>"] + 1
    for i, token_id in enumerate(range(start, vocab_size)):
        if token_id not in known:
            tokenizer["added_tokens"].append({
                "id": token_id, "content": "<|%.2f|>" % (i * 0.02), "single_word": False, "lstrip": False,
                "rstrip": False, "normalized": True, "special": False,
            })
    tokenizer["added_tokens"].sort(key=lambda t: t["id"])
    covered = set(special_ids(tokenizer).values()) | set(tokenizer["model"]["vocab"].values())
    missing = [i for i in range(vocab_size) if i not in covered]
    if missing:
        raise SystemExit(f"tokenizer.json has no token for ids {missing[:10]}...")
    return tokenizer


def write_configs(out: Path, dims: dict, ct2_config: dict, tokenizer: dict) -> dict:
    ids = special_ids(tokenizer)
    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    langs = {tok: i for tok, i in ids.items() if sot < i < ids["<|translate|>"]}
    multilingual = dims["vocab_size"] >= 51865 and bool(langs)
    config = {
        "_name_or_path": f"openai/{out.name}",
        "activation_dropout": 0.0,
        "activation_function": "gelu",
        "apply_spec_augment": False,
        "architectures": ["WhisperForConditionalGeneration"],
        "attention_dropout": 0.0,
        "begin_suppress_tokens": ct2_config["suppress_ids_begin"],
        "bos_token_id": eot,
        "classifier_proj_size": 256,
        "d_model": dims["d_model"],
        "decoder_attention_heads": dims["decoder_attention_heads"],
        "decoder_ffn_dim": dims["decoder_ffn_dim"],
        "decoder_layerdrop": 0.0,
        "decoder_layers": dims["decoder_layers"],
        "decoder_start_token_id": sot,
        "dropout": 0.0,
        "encoder_attention_heads": dims["encoder_attention_heads"],
        "encoder_ffn_dim": dims["encoder_ffn_dim"],
        "encoder_layerdrop": 0.0,
        "encoder_layers": dims["encoder_layers"],
        "eos_token_id": eot,
        "init_std": 0.02,
        "is_encoder_decoder": True,
        "max_length": dims["max_target_positions"],
        "max_source_positions": dims["max_source_positions"],
        "max_target_positions": dims["max_target_positions"],
        "median_filter_width": 7,
        "model_type": "whisper",
        "num_hidden_layers": dims["encoder_layers"],
        "num_mel_bins": dims["num_mel_bins"],
        "pad_token_id": eot,
        "scale_embedding": False,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "use_cache": True,
        "use_weighted_layer_sum": False,
        "vocab_size": dims["vocab_size"],
    }
    generation = {
        "alignment_heads": ct2_config["alignment_heads"],
        "begin_suppress_tokens": ct2_config["suppress_ids_begin"],
        "bos_token_id": eot,
        "decoder_start_token_id": sot,
        "eos_token_id": eot,
        "forced_decoder_ids": None,
        "is_multilingual": multilingual,
        "max_initial_timestamp_index": 50,
        "max_length": dims["max_target_positions"],
        "no_timestamps_token_id": ids["<|notimestamps|>"],
        "pad_token_id": eot,
        "prev_sot_token_id": ids["<|startofprev|>"],
        "return_timestamps": False,
        "suppress_tokens": ct2_config["suppress_ids"],
    }
    if multilingual:
        generation["lang_to_id"] = langs
        generation["task_to_id"] = {"translate": ids["<|translate|>"], "transcribe": ids["<|transcribe|>"]}
    preprocessor = {
        "chunk_length": 30,
        "feature_extractor_type": "WhisperFeatureExtractor",
        "feature_size": dims["num_mel_bins"],
        "hop_length": 160,
        "n_fft": 400,
        "n_samples": 480000,
        "nb_max_frames": 3000,
        "padding_side": "right",
        "padding_value": 0.0,
        "processor_class": "WhisperProcessor",
        "return_attention_mask": False,
        "sampling_rate": 16000,
    }
    tokenizer_config = {
        "add_bos_token": False,
        "add_prefix_space": False,
        "bos_token": "<|endoftext|>",
        "clean_up_tokenization_spaces": True,
        "eos_token": "<|endoftext|>",
        "errors": "replace",
        "model_max_length": 1024,
        "pad_token": "<|endoftext|>",
        "processor_class": "WhisperProcessor",
        "return_attention_mask": False,
        "tokenizer_class": "WhisperTokenizer",
        "unk_token": "<|endoftext|>",
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, data in (("config.json", config), ("generation_config.json", generation),
                       ("preprocessor_config.json", preprocessor), ("tokenizer_config.json", tokenizer_config),
                       ("tokenizer.json", tokenizer)):
        with open(out / name, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2 if name != "tokenizer.json" else None, ensure_ascii=False)
            f.write("\n")
    return generation

"""config.json, generation_config.json, preprocessor_config.json and tokenizer_config.json."""

from __future__ import annotations

import json

from .constants import LANGUAGES, MAX_SOURCE_POSITIONS, MAX_TARGET_POSITIONS, N_FRAMES, N_MELS
from .tokenizer import bytes_to_unicode


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

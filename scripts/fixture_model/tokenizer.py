"""The fixture's tokenizer: a byte-level BPE learned from `CORPUS`, then Whisper's special tokens."""

from __future__ import annotations

import collections

import numpy as np
import regex

from .constants import (
    BIAS_BAD_TEXT,
    BIAS_SPACED_WORD,
    BIAS_WORD,
    CORPUS,
    LANGUAGES,
    N_ADDED_TOKENS,
    N_TIMESTAMPS,
)


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

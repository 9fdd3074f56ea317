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
        --dtypes fp32,q8,fp32+q4,fp16+q4f16

Requirements: scripts/requirements-fixture.txt (CPU torch, transformers, onnx, onnxruntime).
"""

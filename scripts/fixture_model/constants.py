"""Constants of the Whisper format and the knobs of the planted weights (see the package doc)."""

from __future__ import annotations


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

# File suffix per weight format, as transformers.js 4.3 names them (src/utils/dtypes.js).
DTYPE_SUFFIX = {"fp32": "", "q8": "_quantized", "q4": "_q4", "fp16": "_fp16", "q4f16": "_q4f16"}
# What `--dtypes` accepts: a name for the same format in encoder and decoder, or ENCODER+DECODER for
# the pairs the WebGPU device loads (fp32 encoder + q4 decoder; fp16 encoder + q4f16 decoder).
SAME_DTYPES = ("fp32", "q8")
DTYPE_PAIRS = ("fp32+q4", "fp16+q4f16")
DEFAULT_DTYPES = "fp32,q8,fp32+q4,fp16+q4f16"

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

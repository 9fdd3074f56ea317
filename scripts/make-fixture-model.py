#!/usr/bin/env python3
"""Generate a small Whisper-architecture model with random weights (the test fixtures in
test/fixtures/models). The code lives in scripts/fixture_model/; its package doc string explains
how the weights are planted, and `--help` prints it.

Usage:
    python scripts/make-fixture-model.py --preset fixture-tiny --out test/fixtures/models/whisper-tiny

Requirements: scripts/requirements-fixture.txt (CPU torch, transformers, onnx, onnxruntime).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_model.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

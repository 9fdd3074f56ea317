"""Where prepare-real-model.py keeps its things (all under the checkout's own .cache/, outside git,
wherever the checkout is) and its timed progress log."""
from __future__ import annotations

import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1]
ROOT = SCRIPTS.parent
CACHE = ROOT / ".cache"
VENV = CACHE / "venv-real"
WORK = CACHE / "real"
DEFAULT_OUT = CACHE / "models"
REQUIREMENTS = SCRIPTS / "requirements-real.txt"
TORCH_PIN = "torch==2.13.0"

_T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[prepare-real-model {time.monotonic() - _T0:6.1f}s] {msg}", flush=True)

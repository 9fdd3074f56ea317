"""prepare-real-model.py's own virtual environment: torch (the CPU wheel) and requirements-real.txt."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .common import REQUIREMENTS, TORCH_PIN, VENV, log


def ensure_venv(script: Path, argv: list[str]) -> None:
    """Re-executes `script` with `argv` inside .cache/venv-real, creating it on first use."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    py = VENV / "bin" / "python"
    stamp = VENV / ".requirements-installed"
    wanted = TORCH_PIN + "\n" + REQUIREMENTS.read_text()
    if not py.exists():
        log(f"creating virtual environment {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        log(f"installing {TORCH_PIN} and {REQUIREMENTS.name} into it")
        subprocess.run([str(py), "-m", "pip", "install", "-q", TORCH_PIN], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(wanted)
    os.execv(str(py), [str(py), str(script.resolve()), *argv])

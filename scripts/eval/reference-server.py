#!/usr/bin/env python3
"""Window-at-a-time reference transcription for `npm run eval:accuracy`.

Loads a transformers.js-layout Whisper folder once with `scripts/reference-transcribe.py`'s
`Reference` class (onnxruntime CPU, greedy, suppress_tokens / begin_suppress_tokens, timestamp rules)
and then answers one JSON line per request on stdin, so the evaluation can drive it window by
window with the app's own long-audio orchestration (lib/long-transcription.ts):

    request:  {"id": "…", "samples": "/path/window.f32", "language": "de" | null, "task": "transcribe"}
    answer:   {"id": "…", "language": "de", "text": "…", "segments": [{"start", "end", "text"}]}
              or {"id": "…", "error": "…"}

`samples` is raw little-endian float32, 16 kHz mono, at most 30 s (the app's window). The answer's
segment times are relative to the window; an unterminated last segment has "end": null.

Inside a window it decodes as transformers.js 4.3 does in timestamp mode
(`WhisperForConditionalGeneration._generate_with_seek`, which mirrors Python transformers' long-form
generate): when a decode does not end on a single timestamp, the text after the last timestamp pair
is dropped and decoding starts again from that timestamp on the same features, shifted left and
zero-padded, until the window's 3000 frames are used up. reference-transcribe.py decodes each
window once, so on its own it loses what was said between the last timestamp and the window's end.

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


INPUT_STRIDE = 2  # encoder frames per decoder position (transformers.js `input_stride`)


def generate_with_seek(ref, features, language: str | None, task: str) -> tuple[list[int], str, int]:
    """transformers.js 4.3.2 `_generate_with_seek`, greedy, for one window's features [1, 80, 3000]."""
    total = features.shape[2]
    span = INPUT_STRIDE * int(json.loads((ref.dir / "config.json").read_text())["max_source_positions"])
    seek, tokens, passes = 0, [], 0
    while seek < total:
        end = min(seek + span, total)
        segment = features[:, :, seek:end]
        if segment.shape[2] < span:  # zero features, not the log-mel of silence, as transformers.js pads
            segment = np.concatenate([segment, np.zeros((1, segment.shape[1], span - segment.shape[2]), np.float32)], axis=2)
        hidden = ref.encoder.run(None, {"input_features": np.ascontiguousarray(segment)})[0]
        if language is None:
            language = ref.detect_language(hidden)
        generated = ref.decode(hidden, language, task, True)
        passes += 1
        if generated and generated[-1] == ref.eos:
            generated.pop()
        if not generated:
            break
        is_ts = [t >= ref.ts_begin for t in generated]
        single_ending = len(generated) >= 2 and is_ts[-1] and not is_ts[-2]
        boundaries = [i + 1 for i in range(len(generated) - 1) if is_ts[i] and is_ts[i + 1]]
        keep, offset = len(generated), end - seek
        if boundaries and not single_ending:
            keep = boundaries[-1]
            offset = (generated[keep - 1] - ref.ts_begin) * INPUT_STRIDE
        shift = seek // INPUT_STRIDE
        tokens += [min(t + shift, ref.ts_begin + 1500) if t >= ref.ts_begin else t for t in generated[:keep]]
        if offset <= 0:  # transformers.js would decode the same frames again, forever; stop instead
            break
        seek += offset
    return tokens, language or "en", passes


def answer(ref, request: dict) -> dict:
    audio = np.fromfile(request["samples"], dtype="<f4").astype(np.float32)
    if len(audio) > reference_module.WINDOW:
        raise ValueError(f"window of {len(audio)} samples is longer than 30 s")
    tokens, language, passes = generate_with_seek(ref, ref.features(audio), request.get("language"), request.get("task") or "transcribe")
    return {"language": language, "text": ref.text(tokens), "segments": ref.segments(tokens, 0.0), "passes": passes}


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

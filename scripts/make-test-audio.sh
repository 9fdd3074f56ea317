#!/usr/bin/env bash
# Regenerates the small speech clips under test/fixtures/audio/ (committed, so tests need neither
# espeak-ng nor ffmpeg). Needs Debian's espeak-ng and ffmpeg: apt-get install espeak-ng ffmpeg
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/audio"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp/speech.wav" "Hello, this is a short voice message for the transcription test."
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
ff -i "$tmp/speech.wav" -ar 48000 -ac 1 -c:a libopus -b:a 24k "$out/speech.ogg"          # Telegram voice note
ff -i "$tmp/speech.wav" -ar 44100 -ac 2 -c:a libmp3lame -b:a 64k "$out/speech.mp3"
ff -i "$tmp/speech.wav" -ar 44100 -ac 1 -c:a aac -b:a 48k "$out/speech.m4a"
ff -i "$tmp/speech.wav" -ar 48000 -ac 2 -c:a libopus -b:a 32k "$out/speech.webm"
ff -i "$tmp/speech.wav" -ar 8000 -ac 1 -c:a pcm_s16le "$out/speech-8k.wav"
ff -i "$tmp/speech.wav" -ar 22050 -ac 2 -c:a pcm_s16le "$out/speech-stereo-22k.wav"
# A video with sound: a tiny solid-colour H.264 track plus AAC audio.
ff -f lavfi -i "color=c=steelblue:s=64x64:r=10" -i "$tmp/speech.wav" -shortest \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -b:a 48k -movflags +faststart "$out/speech-video.mp4"
# Bad inputs: empty, not audio, and a voice note cut short.
: > "$out/empty.ogg"
printf 'This is a text file, not audio.\n' > "$out/not-audio.txt"
head -c 600 "$out/speech.ogg" > "$out/truncated.ogg"
# Silence (2 s) for the no-speech path.
ff -f lavfi -i "anullsrc=r=16000:cl=mono" -t 2 -c:a pcm_s16le "$out/silence.wav"
ls -l "$out"

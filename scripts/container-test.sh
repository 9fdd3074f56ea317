#!/usr/bin/env bash
# The container check (`npm test -- container`): builds local bases if podman lacks them
# (scripts/container-base.sh: debootstrap bookworm + this machine's Node 20, no registry needed),
# builds the image on them, starts it with the fixture models mounted, waits for the relay's
# /healthz, transcribes a fixture clip through the page in the system Chromium
# (test/container/container.spec.ts), checks /healthz again, prints the image size and the RSS of
# both processes, then stops and removes the container. Without podman it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v podman >/dev/null 2>&1; then
  echo "skipped: no podman"
  exit 0
fi
source scripts/container-env.sh
started=$(date +%s)
say() { echo "[container-test] $(( $(date +%s) - started )) s: $*"; }

RUNTIME_BASE=${RUNTIME_BASE:-localhost/whisper-relay-base:bookworm-node20}
BUILD_BASE=${BUILD_BASE:-localhost/whisper-relay-build-base:bookworm-node20}
IMAGE=${IMAGE:-localhost/whisper-relay:test}
APP_PORT=${CONTAINER_APP_PORT:-3290}
RELAY_PORT=${CONTAINER_RELAY_PORT:-3291}
NAME=whisper-relay-test-$$

RUNTIME_BASE=$RUNTIME_BASE BUILD_BASE=$BUILD_BASE bash scripts/container-base.sh
say "building $IMAGE…"
# --network host: the builder reaches the npm registry the way this machine does.
# BUILD_FROM_SOURCE: there is no GitHub here to download better-sqlite3's prebuilt binary from.
podman build --network host --format docker -q \
  --build-arg BASE="$RUNTIME_BASE" --build-arg BUILD_BASE="$BUILD_BASE" --build-arg BUILD_FROM_SOURCE=1 \
  -t "$IMAGE" . >/dev/null
size() { podman image inspect "$1" --format '{{.Size}}'; }
say "image size: $(size "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}') ($(( ($(size "$IMAGE") - $(size "$RUNTIME_BASE")) / 1000000 )) MB over the base $RUNTIME_BASE)"

cleanup() { podman rm -f "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT
# --health-interval disable: no systemd here to run the HEALTHCHECK on a timer; it is run by hand below.
podman run -d --name "$NAME" --network host --health-interval disable \
  -e PORT="$APP_PORT" -e RELAY_PORT="$RELAY_PORT" -e HOST=127.0.0.1 \
  -e RELAY_PUBLIC_URL="http://127.0.0.1:$RELAY_PORT" -e RELAY_STORE=sqlite:/app/data/relay.sqlite \
  -e WHISPER_MODELS_DIR=/models -v "$PWD/test/fixtures/models:/models:ro" \
  "$IMAGE" >/dev/null

health() { node -e "fetch(process.argv[1]).then(r=>r.json()).then(j=>{console.log(JSON.stringify(j));process.exit(0)},()=>process.exit(1))" "http://127.0.0.1:$RELAY_PORT/healthz"; }
for _ in $(seq 1 60); do
  if health >/dev/null 2>&1 && node -e "fetch('http://127.0.0.1:$APP_PORT/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then break; fi
  if [ "$(podman inspect -f '{{.State.Running}}' "$NAME")" != "true" ]; then podman logs "$NAME"; echo "[container-test] the container stopped" >&2; exit 1; fi
  sleep 1
done
say "healthz: $(health)"
podman healthcheck run "$NAME" >/dev/null || { echo "[container-test] the image's HEALTHCHECK failed" >&2; exit 1; }
say "the image's HEALTHCHECK passes"

# RSS of the two node processes (Next renames its process title to next-server).
rss() { podman exec "$NAME" sh -c 'for p in /proc/[0-9]*; do [ "${p#/proc/}" = "$$" ] && continue; c=$(tr "\000" " " <"$p/cmdline" 2>/dev/null); case "$c" in *next-server*|*server.js*|*relay.cjs*) echo "  $(grep VmRSS "$p/status" | tr -s " " | cut -d" " -f2) kB  $c";; esac; done'; }
say "RSS idle:"; rss

CONTAINER_URL="http://127.0.0.1:$APP_PORT" CONTAINER_RELAY_URL="http://127.0.0.1:$RELAY_PORT" \
  node_modules/.bin/playwright test -c test/container/playwright.config.ts || { podman logs --tail 50 "$NAME"; exit 1; }
say "RSS after transcribing:"; rss
health >/dev/null || { echo "[container-test] /healthz failed after the run" >&2; exit 1; }
podman stop -t 10 "$NAME" >/dev/null
say "passed"

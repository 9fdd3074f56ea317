#!/usr/bin/env bash
# Builds the two local base images the container test uses when no registry is reachable:
#   whisper-relay-base:bookworm-node20        Debian bookworm minbase + Node 20 (runtime base)
#   whisper-relay-build-base:bookworm-node20  the same + python3, make, g++ (to compile better-sqlite3)
#                                             and this machine's CA bundle (npm through a proxy)
# Node 20 (with npm and its headers) is copied from this machine. Images podman already has are kept.
set -euo pipefail
source "$(dirname "$0")/container-env.sh"

RUNTIME_BASE=${RUNTIME_BASE:-localhost/whisper-relay-base:bookworm-node20}
BUILD_BASE=${BUILD_BASE:-localhost/whisper-relay-build-base:bookworm-node20}
if podman image exists "$RUNTIME_BASE" && podman image exists "$BUILD_BASE"; then
  echo "[container-base] cached: $RUNTIME_BASE, $BUILD_BASE"
  exit 0
fi
node_bin=$(command -v node)
case "$(node --version)" in v20.*) ;; *) echo "[container-base] needs Node 20 on this machine (found $(node --version))" >&2; exit 1 ;; esac
node_prefix=$(dirname "$(dirname "$(readlink -f "$node_bin")")")
dir=$(mktemp -d /var/tmp/whisper-relay-base.XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "[container-base] debootstrap bookworm into $dir…"
debootstrap --variant=minbase bookworm "$dir" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
install -m 0755 "$node_bin" "$dir/usr/local/bin/node"
if [ -d "$node_prefix/lib/node_modules/npm" ]; then
  mkdir -p "$dir/usr/local/lib/node_modules"
  cp -a "$node_prefix/lib/node_modules/npm" "$dir/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
fi
[ -d "$node_prefix/include/node" ] && mkdir -p "$dir/usr/local/include" && cp -a "$node_prefix/include/node" "$dir/usr/local/include/node"
chroot "$dir" apt-get clean
tar -C "$dir" -c . | podman import - "$RUNTIME_BASE" >/dev/null
echo "[container-base] adding build tools…"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
chroot "$dir" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null && apt-get clean'
# The build base trusts what this machine trusts (a proxy's CA on the way to the npm registry).
ca=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
changes=()
if [ -f "$ca" ]; then
  mkdir -p "$dir/etc/ssl/certs" && install -m 0644 "$ca" "$dir/etc/ssl/certs/build-host-ca.crt"
  changes=(--change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-host-ca.crt" --change "ENV npm_config_cafile=/etc/ssl/certs/build-host-ca.crt")
fi
tar -C "$dir" -c . | podman import "${changes[@]}" - "$BUILD_BASE" >/dev/null
echo "[container-base] built $RUNTIME_BASE and $BUILD_BASE"

# Sourced by the container scripts: podman as it runs on these machines (runc, cgroupfs, no default
# ulimits: crun and the default RLIMIT_NOFILE fail here). A CONTAINERS_CONF already set is kept.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  CONTAINERS_CONF=$(mktemp /tmp/containers.conf.XXXXXX)
  printf '[containers]\ndefault_ulimits = []\n' >"$CONTAINERS_CONF"
  export CONTAINERS_CONF
fi
podman() { command podman --runtime runc --cgroup-manager=cgroupfs "$@"; }

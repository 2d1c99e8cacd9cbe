#!/usr/bin/env bash
# Makes sure a Docker Engine answers and the local images exist.
# Where no daemon answers and we are root on Debian, it installs Debian's docker.io and starts dockerd
# in the background; elsewhere it prints what to run. A Podman socket works through DOCKER_HOST.
# The machine reaches no image registry, so the images the demo and tests use are built here from
# Debian's busybox-static (see scripts/build-images.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
is_root_on_debian() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ ! -f /var/lib/apt/periodic/supernetes-updated ] || ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/supernetes-updated
  fi
}

if ! docker_answers; then
  if [ -n "${DOCKER_HOST:-}" ]; then
    echo "No Docker Engine answers at DOCKER_HOST=$DOCKER_HOST. Start it (for Podman: systemctl --user start podman.socket)." >&2
    exit 1
  fi
  if ! is_root_on_debian; then
    echo "No Docker Engine answers. On Debian or Ubuntu run: sudo apt-get install -y docker.io busybox-static && sudo dockerd &" >&2
    exit 1
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "installing docker.io from Debian's packages"
    apt_install docker.io iptables
  fi
  if [ ! -S /var/run/docker.sock ] || ! docker info >/dev/null 2>&1; then
    echo "starting dockerd (log: /var/log/supernetes-dockerd.log)"
    # setsid: the daemon outlives this script and the terminal it ran in.
    setsid nohup dockerd >/var/log/supernetes-dockerd.log 2>&1 < /dev/null &
    for _ in $(seq 1 120); do
      docker info >/dev/null 2>&1 && break
      sleep 0.5
    done
  fi
  if ! docker_answers; then
    echo "dockerd did not come up; see /var/log/supernetes-dockerd.log" >&2
    tail -20 /var/log/supernetes-dockerd.log >&2 || true
    exit 1
  fi
fi

bash scripts/build-images.sh

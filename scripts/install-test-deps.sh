#!/usr/bin/env bash
# Installs what the tests need beyond npm packages: a real etcd 3.4 and etcdctl (Debian's
# etcd-server and etcd-client), the reference the store's conformance suite runs against, and
# kubectl (Debian's kubernetes-client) where the machine has none.
# Where they are missing and we are root on Debian, it installs them; elsewhere it says what to run.
set -euo pipefail

missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
# kubectl is the client nobody here wrote; Debian's is older than the one many machines carry.
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package starts an etcd service on 2379 where systemd runs; the tests start their own.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
    systemctl stop etcd || true
  fi
else
  echo "The tests need ${missing[*]}. On Debian or Ubuntu run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

#!/usr/bin/env bash
# Runs Governor's whole test suite on a fresh machine: installs what the tests need and is missing
# (the etcd server binary, from the Debian package etcd-server), then runs `mvn -B verify`.
# Extra arguments are passed to Maven, e.g. `scripts/test.sh -pl repository-etcd -am`.
set -euo pipefail
cd "$(dirname "$0")/.."

need_etcd() {
  command -v etcd >/dev/null 2>&1 && return 1
  [ -x /usr/bin/etcd ] && return 1
  return 0
}

if need_etcd; then
  echo "test.sh: etcd not found; installing the Debian package etcd-server" >&2
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
  # The package may start a system etcd on the default ports; the tests start their own.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop etcd >/dev/null 2>&1 || true; fi
  command -v etcd >/dev/null 2>&1 || { echo "test.sh: etcd-server installed but no etcd binary on PATH" >&2; exit 1; }
fi

exec mvn -B verify "$@"

#!/usr/bin/env bash
# Installs the etcd server binary (Debian package etcd-server) when it is not on this machine.
# Used by scripts/test.sh and scripts/bench.sh; safe to run again.
set -euo pipefail

if command -v etcd >/dev/null 2>&1 || [ -x /usr/bin/etcd ]; then
  exit 0
fi
echo "install-etcd.sh: etcd not found; installing the Debian package etcd-server" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
# The package may start a system etcd on the default ports; tests and benchmarks start their own.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop etcd >/dev/null 2>&1 || true; fi
command -v etcd >/dev/null 2>&1 || { echo "install-etcd.sh: etcd-server installed but no etcd binary on PATH" >&2; exit 1; }

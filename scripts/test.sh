#!/usr/bin/env bash
# Runs Governor's whole test suite on a fresh machine: installs what the tests need and is missing
# (the etcd server binary, from the Debian package etcd-server), then runs `mvn -B verify`.
# Extra arguments are passed to Maven, e.g. `scripts/test.sh -pl repository-etcd -am`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-etcd.sh
exec mvn -B verify "$@"

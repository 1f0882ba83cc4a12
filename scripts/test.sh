#!/usr/bin/env bash
# Runs Governor's whole test suite on a fresh machine: installs what the tests need and is missing
# (the etcd server binary, from the Debian package etcd-server), runs `mvn -B verify`, then builds
# and runs the standalone sample applications in examples/ against the installed artifacts
# (scripts/samples.sh; a sample that fails fails this script).
# Extra arguments are passed to Maven, e.g. `scripts/test.sh -pl repository-etcd -am`; such a partial
# run skips the samples, and so does GOVERNOR_SKIP_SAMPLES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-etcd.sh
mvn -B verify "$@"
if [ $# -eq 0 ] && [ "${GOVERNOR_SKIP_SAMPLES:-}" != "1" ]; then
  bash scripts/samples.sh
fi

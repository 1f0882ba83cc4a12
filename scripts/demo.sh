#!/usr/bin/env bash
# Runs Governor's demo: an embedded ZooKeeper, three H2 databases and three application instances
# with governed DataSources, walked through a timeline of live changes. Ends by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -q -pl examples -am -DskipTests -Pdemo verify "$@"

#!/usr/bin/env bash
# Runs Governor's demo: an embedded ZooKeeper, three H2 databases and three application instances
# with governed DataSources, walked through a timeline of live changes. Ends by itself.
# Governor's own log lines show at INFO (the ZooKeeper client's at WARN), as in a real application.
# Output that does not go to a terminal (a pipe, a file, CI), or any output with NO_COLOR set, is
# plain text without ANSI escape codes.
set -euo pipefail
cd "$(dirname "$0")/.."
command=(mvn -B -q -pl examples -am -DskipTests -Pdemo verify "$@")
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  exec "${command[@]}"
fi
"${command[@]}" -Dstyle.color=never 2> >(bash scripts/plain-output.sh >&2) | bash scripts/plain-output.sh

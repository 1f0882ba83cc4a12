#!/usr/bin/env bash
# Builds and runs the standalone sample applications examples/zookeeper-app and examples/etcd-app
# the way a user would: `mvn compile exec:java` in each, against Governor's artifacts installed in
# a local Maven repository. Each sample checks its own routing and exits non-zero when it is wrong;
# any failure fails this script. Run by scripts/test.sh after the test suite.
#
# Governor's artifacts are installed into a private local repository (seeded with a copy of
# ~/.m2/repository, so it works offline and leaves ~/.m2 untouched), or into SAMPLES_MAVEN_REPO when
# set. SAMPLES_MAVEN_OPTS adds Maven options (e.g. -o). Needs the etcd binary (scripts/install-etcd.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
work="$(mktemp -d)"
etcd_pid=""
cleanup() {
  if [ -n "$etcd_pid" ]; then kill "$etcd_pid" 2>/dev/null || true; wait "$etcd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

repo="${SAMPLES_MAVEN_REPO:-$work/m2}"
if [ ! -d "$repo" ]; then
  mkdir -p "$repo"
  if [ -d "$HOME/.m2/repository" ]; then
    cp -r "$HOME/.m2/repository/." "$repo/"
    rm -rf "$repo/io/governor"   # the samples must use what is installed below, nothing older
  fi
fi
# shellcheck disable=SC2206
mvn_args=(-B -q -Dstyle.color=never "-Dmaven.repo.local=$repo" ${SAMPLES_MAVEN_OPTS:-})
# plain text when the output is not a terminal (Maven 3.8 prints ESC[0m even in batch mode)
if [ ! -t 1 ] || [ -n "${NO_COLOR:-}" ]; then
  exec > >(bash scripts/plain-output.sh) 2> >(bash scripts/plain-output.sh >&2)
fi

echo "samples.sh: installing Governor's artifacts into $repo"
mvn "${mvn_args[@]}" install -DskipTests -pl governance-core,repository-zookeeper,repository-etcd -am

# docs/quick-start.md: its pom.xml and its Java snippets, with their imports, must compile as printed
echo "samples.sh: docs/quick-start.md (its pom.xml and snippets compile)"
qs="$work/quick-start"
mkdir -p "$qs/src/main/java"
block() { awk -v lang="$1" -v want="$2" '$0 == "```" lang { n++; if (n == want) { on = 1; next } } /^```$/ { on = 0 } on' docs/quick-start.md; }
block xml 1 > "$qs/pom.xml"
block java 1 > "$qs/src/main/java/Main.java"
{ block java 2 | grep '^import '
  echo 'class QuickStartAdmin { static void run() throws Exception {'
  block java 2 | grep -v '^import '
  echo '}}'; } > "$qs/src/main/java/QuickStartAdmin.java"
mvn "${mvn_args[@]}" -f "$qs/pom.xml" compile

echo "samples.sh: examples/zookeeper-app (embedded ZooKeeper)"
(cd examples/zookeeper-app && mvn "${mvn_args[@]}" compile exec:java -Dsample.embeddedZooKeeper=true)

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}
bash scripts/install-etcd.sh
client=$(free_port); peer=$(free_port)
etcd --name samples --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "samples=http://127.0.0.1:$peer" >"$work/etcd.log" 2>&1 &
etcd_pid=$!
echo "samples.sh: examples/etcd-app (etcd on 127.0.0.1:$client)"
# no wait for etcd here: the app's start-up keeps trying until its startupTimeout (30 s)
(cd examples/etcd-app && GOVERNOR_ETCD_ENDPOINTS="http://127.0.0.1:$client" mvn "${mvn_args[@]}" compile exec:java) \
  || { echo "samples.sh: etcd-app failed; etcd's log:" >&2; tail -20 "$work/etcd.log" >&2; exit 1; }

echo "samples.sh: both samples ran ($(( SECONDS - start )) s)"

#!/usr/bin/env bash
# Runs Governor's benchmarks (docs/performance.md). Not part of `mvn verify`.
#
#   scripts/bench.sh [quick|full] [all|hotpath|propagation|control|failure|locks|scale|rollout] [--backends=memory,zookeeper,etcd]
#
# quick: short runs to check the harness (figures are indicative only); full: the runs whose
# figures go into docs/performance.md. Each area writes its table to benchmarks/results/<area>-<mode>.md.
# Installs the etcd server (Debian package etcd-server) if missing. Needs a quiet machine: anything
# else running on the cores skews the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-etcd.sh
mvn -B -q -pl benchmarks -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
exec java -Xms1g -Xmx4g -XX:+UseG1GC ${BENCH_JVM_OPTS:-} \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.org.apache.zookeeper=error \
  -Dorg.slf4j.simpleLogger.log.io.etcd.jetcd=error \
  -Dorg.slf4j.simpleLogger.log.io.grpc=error \
  -Dbench.command="${BENCH_JVM_OPTS:+BENCH_JVM_OPTS=\"$BENCH_JVM_OPTS\" }scripts/bench.sh $*" \
  -cp "$CP" io.governor.bench.Bench "$@"

#!/usr/bin/env bash
# Replicas on PostgreSQL (see BENCHMARKS.md, "Replicas on PostgreSQL"): real server processes from
# target/stroem.jar, replicas a and b on a fresh database of the machine's PostgreSQL (created for
# the run, dropped after it; STROEM_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
# with a shared local archive, and one server on SQLite.
#   1. HTTP ingest, same generator for all: SQLite server; a and b in turn per batch; a alone.
#   2. Push (to a) -> receive (WebSocket viewers on b) latency, one clock (generator and viewers in one JVM).
# Usage: bench/run-replicas.sh [--rounds 3] [--seconds 6] [--warmup 3] [--pushers 8] [--batch 500] [--line-bytes 100]
#                              [--client raw|jdk] [--warmup-rounds 1] [--setups sqlite,replicas,single]
#                              [--viewers 100] [--probes 20] [--latency-seconds 30 (0: no latency run)] [--latency-ingest 100000]
# STROEM_BENCH_JAVA_OPTS (e.g. -XX:StartFlightRecording=filename=/tmp/{name}.jfr) goes to the servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -DskipTests package
./mvnw -q -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(java -version 2>&1 | head -1); $(uptime)"
exec java -Xmx2g -Dlogback.configurationFile=bench/logback-bench.xml ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.stroem.bench.ReplicaBenchmark --jar target/stroem.jar "$@"

#!/usr/bin/env bash
# How soon steps start (see BENCHMARKS.md, "Step dispatch"): a real server process and real worker
# processes from target/stroem.jar, once with waiting claims (claim_wait_secs: 20, the default) and
# once polling as before them (claim_wait_secs: 0, poll_interval_secs: 1).
# Usage: bench/run-dispatch.sh [--runs 100] [--jobs 1000] [--warmup 300] [--steady 0] [--workers 2] [--slots 4]
# Prints per mode: throughput and CPU per step cold (fresh JVMs) and warm (after the latency runs and
# --warmup more jobs) and, with --steady N, once more after N more jobs; two-step latency, ready -> claimed
# and claimed -> started.
# STROEM_BENCH_JAVA_OPTS (e.g. -XX:StartFlightRecording=filename=/tmp/{name}.jfr) goes to the server and workers,
# STROEM_BENCH_WORKER_JAVA_OPTS to the workers only; unset, the workers get what ./stroem worker gives them
# (-XX:TieredStopAtLevel=1), so the default measures workers as shipped; set it (even empty) to choose yourself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -DskipTests package
./mvnw -q -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
for mode in wait poll; do
  java -cp "$CP" dev.stroem.bench.DispatchBenchmark --jar target/stroem.jar --mode "$mode" "$@"
  echo
done

#!/usr/bin/env bash
# Live log streaming benchmark (see BENCHMARKS.md, "Live log streaming").
#   bench/run-websocket.sh [SECONDS]     default 12 s per latency scenario
# Phase 1: push-to-receive latency while 100,000 lines/s are ingested, for 1, 100 and 1,000
#   viewers of one job, 100 jobs x 10 viewers, and one viewer of a job that takes 10,000 lines/s
#   (probe lines: 10/s per watched job, 100/s when a single viewer would give too few samples).
# Phase 2: server heap per idle viewer (1,000 idle viewers held by a child JVM).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_PER_SCENARIO="${1:-12}"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx2g -Dlogback.configurationFile=bench/logback-bench.xml \
  -cp "$CP" dev.stroem.bench.LiveLogStreamBench latency "$SECONDS_PER_SCENARIO" 1x1@100 1x100 1x1000 100x10 1x1@100i
java -Xmx1g -Dlogback.configurationFile=bench/logback-bench.xml \
  -cp "$CP" dev.stroem.bench.LiveLogStreamBench heap 1000

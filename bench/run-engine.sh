#!/usr/bin/env bash
# Log storage engine benchmark (see BENCHMARKS.md, "Log storage engine").
#   bench/run-engine.sh [DATA_DIR]      default DATA_DIR: target/bench-engine (needs ~3 GB free)
# Phase 1 (-Xmx1g): append throughput vs a plain BufferedWriter on the same lines, then grows one
#   job's log to 1 GiB through the store and times tail reads.
# Phase 2 (-Xmx64m): archives that 1 GiB log (gzip -6 equivalent) and times `gzip -6` on the same file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA="${1:-target/bench-engine}"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1)"
java -Xmx1g -cp "$CP" dev.stroem.bench.LogEngineBench append-tail "$DATA"
java -Xmx64m -cp "$CP" dev.stroem.bench.LogEngineBench archive "$DATA"

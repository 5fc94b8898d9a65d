#!/usr/bin/env bash
# HTTP log ingest vs. the log engine's own append rate (see BENCHMARKS.md, "HTTP log ingest").
# Usage: bench/run-ingest.sh [--rounds 5] [--seconds 6] [--warmup 3] [--pushers 4] [--batch 500] [--line-bytes 100] [--secrets N]
#                            [--client raw|jdk] [--only http|engine]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xms1g -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.stroem.bench.IngestBenchmark "$@"

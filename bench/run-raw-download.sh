#!/usr/bin/env bash
# A 2 GiB job log downloaded through /api/jobs/{id}/logs/raw from a server with a 64 MiB heap
# (see BENCHMARKS.md, "Raw log download"). Usage: bench/run-raw-download.sh [--gib 2] [--xmx 64m]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx256m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.stroem.bench.RawDownloadBenchmark "$@"

#!/usr/bin/env bash
# The log viewer on a big finished job in headless Chromium (see BENCHMARKS.md, "Web UI").
#   bench/run-ui.sh [LINES] [RUNS]     default 1,000,000 lines, 3 runs
# Needs Debian's chromium and chromium-driver (as the browser tests do).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
echo "machine: $(nproc) cores; $(chromium --version 2>/dev/null); load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Xmx1g -Dlogback.configurationFile=bench/logback-bench.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.stroem.bench.WebUiLogBench "$@"

#!/usr/bin/env bash
# A 1 GiB artifact uploaded by a worker and downloaded again through a server, both with a 64 MiB
# heap, on the local backend and on S3 (S3Proxy), next to cp and aws s3 cp (see BENCHMARKS.md,
# "Artifacts"). Usage: bench/run-artifacts.sh [--gib 1] [--xmx 64m] [--backend local|s3|both]
# aws s3 cp needs the AWS CLI (apt-get install -y awscli); without it that row says so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx256m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.stroem.bench.ArtifactBenchmark "$@"

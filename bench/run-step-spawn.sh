#!/usr/bin/env bash
# What the worker spends on a trivial step apart from HTTP (see BENCHMARKS.md, "Step dispatch"):
# ScriptRunner from target/stroem.jar runs `echo a` --steps times on 4 threads; prints the JVM's and the step
# processes' CPU per step. Usage: bench/run-step-spawn.sh [--warmup 500] [--steps 2000]
# BENCH_JAVA_OPTS goes to the JVM, e.g. '-XX:TieredStopAtLevel=1 -Djdk.lang.Process.launchMechanism=VFORK'
# (ScriptRunner alone keeps the JDK's launch mechanism; `stroem worker` chooses VFORK on JDK 17-24).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -DskipTests package
exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/stroem.jar" dev.stroem.bench.StepSpawnBenchmark "$@"

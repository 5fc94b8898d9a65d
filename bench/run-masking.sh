#!/usr/bin/env bash
# Secret masking at ingest (BENCHMARKS.md, "Secret masking at ingest"): HTTP ingest without secrets
# and with N workspace secrets, run alternately (0, N, 0, N, …) so that load from elsewhere on the
# machine hits both alike. Prints the load before and after, each run, the medians and their ratio.
# Usage: bench/run-masking.sh [--rounds 3] [--secrets 50] [--seconds 5] [--warmup 3]
# Runs at nice 19: on a shared machine the numbers are only comparable with the load printed beside them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=3 secrets=50 seconds=5 warmup=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2" ;;
    --secrets) secrets="$2" ;;
    --seconds) seconds="$2" ;;
    --warmup) warmup="$2" ;;
    *) echo "run-masking.sh: unknown option $1 (expected --rounds, --secrets, --seconds, --warmup)" >&2; exit 2 ;;
  esac
  shift 2
done
nice -n 19 ./mvnw -q -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"

# One measured HTTP ingest run; prints "lines/s µs-CPU/line".
measure() {
  nice -n 19 java -Xms1g -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.stroem.bench.IngestBenchmark \
      --only http --seconds "$seconds" --warmup "$warmup" --secrets "$1" \
    | awk '$1 == "http" { gsub(",", "", $2); print $2, $6 }'
}

echo "load before: $(uptime)"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for n in 0 "$secrets"; do
    read -r rate cpu < <(measure "$n")
    printf 'round %d  %3d secrets  %12s lines/s  %6s µs CPU/line\n' "$r" "$n" "$rate" "$cpu"
    echo "$n $rate $cpu" >> "$results"
  done
done
echo "load after:  $(uptime)"

median() { # median of column $2 for secrets == $1
  awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$results" | sort -n \
    | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
base=$(median 0 2)
masked=$(median "$secrets" 2)
printf 'median   0 secrets  %12.0f lines/s  %6.2f µs CPU/line\n' "$base" "$(median 0 3)"
printf 'median %3d secrets  %12.0f lines/s  %6.2f µs CPU/line\n' "$secrets" "$masked" "$(median "$secrets" 3)"
awk -v a="$masked" -v b="$base" -v n="$secrets" 'BEGIN { printf "%d secrets keep %.0f%% of the throughput without secrets\n", n, 100 * a / b }'

#!/usr/bin/env bash
# Runs every Google Benchmark binary (tests/bench_*) of the build and prints its figures.
set -euo pipefail
BUILD=${1:-build}
shopt -s nullglob
benches=("$BUILD"/tests/bench_*)
if [ ${#benches[@]} -eq 0 ]; then
  echo "bench: no benchmark binaries under $BUILD/tests" >&2
  exit 1
fi
for b in "${benches[@]}"; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_counters_tabular=true
done

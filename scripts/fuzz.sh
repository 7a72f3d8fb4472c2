#!/usr/bin/env bash
# `make fuzz` (issue 15): libFuzzer targets (Debian's clang, -fsanitize=fuzzer,address,undefined)
# for the .npy reader, the MAC vector-file parser and the command-trace parser (+ trace checker):
# tests/fuzz/fuzz_*.cpp, seed corpora in tests/fuzz/corpus/<target>. Each target runs for
# FUZZ_SECONDS (default 60) on a working corpus in BUILD/fuzz/corpus-<target> (seeded from the
# committed one; kept between runs), with a 10 s per-input timeout (a hang), a 2 GB RSS limit and
# leak detection; crashing, leaking or hanging inputs go to BUILD/fuzz/artifacts. Fails if any
# target found one. Usage: scripts/fuzz.sh BUILD [TARGET...]
set -euo pipefail
BUILD=${1:-build}
shift || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=$BUILD/fuzz
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(npy vectors trace)
mkdir -p "$OUT/artifacts"
CXX=${FUZZ_CXX:-clang++}
FLAGS=(-std=c++20 -O1 -g -ffp-contract=off -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -I"$ROOT")
sources() {
  case $1 in
    npy) echo "$ROOT/host/npy.cpp" ;;
    vectors) echo "$ROOT/host/mac_vectors.cpp $ROOT/host/mac_model.cpp $ROOT/contracts/pim_arith.cpp" ;;
    trace) echo "$ROOT/host/cmd_trace.cpp $ROOT/host/trace_checker.cpp" ;;
    *) echo "fuzz: unknown target $1 (npy, vectors, trace)" >&2; return 1 ;;
  esac
}
status=0
for t in "${TARGETS[@]}"; do
  # shellcheck disable=SC2046
  "$CXX" "${FLAGS[@]}" -o "$OUT/fuzz_$t" "$ROOT/tests/fuzz/fuzz_$t.cpp" $(sources "$t") -lfmt
  mkdir -p "$OUT/corpus-$t"
  cp -n "$ROOT/tests/fuzz/corpus/$t/"* "$OUT/corpus-$t/" 2>/dev/null || true
  log=$OUT/fuzz_$t.log
  start=$(date +%s)
  if "$OUT/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
      -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-" "$OUT/corpus-$t" >"$log" 2>&1; then
    verdict="0 crashes, 0 leaks, 0 hangs"
  else
    verdict="FAILED (see $log and $OUT/artifacts)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz $t: $(( $(date +%s) - start )) s, $runs inputs, corpus $(ls "$OUT/corpus-$t" | wc -l) files: $verdict"
done
exit $status
